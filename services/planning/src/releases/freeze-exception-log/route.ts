import { ErrorCodes } from '@railyard/contracts';
import { projectionLagHeaders } from '@railyard/readmodels';
import { type FastifyPluginAsyncZod, HttpProblem, pageOf } from '@railyard/service-kit';
import { z } from 'zod';
import type { ReleaseBoardsDeps } from '../release-boards/deps.js';

const Query = z.strictObject({
  releaseId: z.uuid().optional(),
  status: z.enum(['requested', 'approved', 'denied', 'used']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page.'),
});
const Entry = z.object({
  exceptionId: z.uuid(),
  releaseId: z.uuid(),
  action: z.string(),
  change: z.record(z.string(), z.unknown()),
  justification: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  status: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  usedAt: z.string().nullable(),
});
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

// The cursor is the sort key of the last row returned: (requested_at, exception_id), base64url-encoded.
const encodeCursor = (at: Date, id: string) => Buffer.from(`${new Date(at).toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !z.uuid().safeParse(id).success) {
    throw new HttpProblem(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this API returned.', {
      issues: [{ path: 'querystring/cursor', message: 'unknown cursor' }],
    });
  }
  return { at: new Date(at), id };
}

/** GET /freeze-exceptions — the freeze-exception log, newest first: every exception on the record (P4). */
export const freezeExceptionLogRoute: FastifyPluginAsyncZod<ReleaseBoardsDeps> = async (app, { db, runner }) => {
  app.get(
    '/freeze-exceptions',
    {
      schema: {
        summary: 'Freeze-exception log',
        description: 'The freeze-exception log, newest first: every exception on the record (P4).',
        tags: ['read-models'],
        querystring: Query,
        response: { 200: pageOf('FreezeExceptionLogEntry', Entry) },
      },
    },
    async (request, reply) => {
      const { releaseId, status, limit, cursor } = request.query;
      let query = db
        .selectFrom('planning.freeze_exception_log')
        .selectAll()
        .orderBy('requested_at', 'desc')
        .orderBy('exception_id')
        .limit(limit + 1);
      if (releaseId) query = query.where('release_id', '=', releaseId);
      if (status) query = query.where('status', '=', status);
      if (cursor) {
        const after = decodeCursor(cursor);
        query = query.where((eb) =>
          eb.or([
            eb('requested_at', '<', after.at),
            eb.and([eb('requested_at', '=', after.at), eb('exception_id', '>', after.id)]),
          ]),
        );
      }
      const [rows, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return reply.headers({ ...lag }).send({
        nextCursor: rows.length > limit && last ? encodeCursor(last.requested_at, last.exception_id) : null,
        items: page.map((r) => ({
          exceptionId: r.exception_id,
          releaseId: r.release_id,
          action: r.action,
          change: r.change as Record<string, unknown>,
          justification: r.justification,
          requestedBy: r.requested_by,
          requestedAt: new Date(r.requested_at).toISOString(),
          status: r.status,
          decidedBy: r.decided_by,
          decidedAt: iso(r.decided_at),
          reason: r.reason,
          usedAt: iso(r.used_at),
        })),
      });
    },
  );
};
