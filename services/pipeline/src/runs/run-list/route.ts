import { ErrorCodes, ServiceNameSchema } from '@railyard/contracts';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import { type FastifyPluginAsyncZod, HttpProblem, pageOf } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { RunListDb } from './projection.js';

const Query = z.strictObject({
  service: ServiceNameSchema.optional(),
  status: z.enum(['running', 'succeeded', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page.'),
});
const Item = z.object({
  id: z.uuid(),
  service: z.string(),
  artifact: z.object({ name: z.string(), version: z.string() }),
  definitionVersion: z.number().int(),
  triggeredBy: z.string(),
  status: z.string(),
  deployedTo: z.array(z.string()),
  blockedPromotions: z.number().int(),
  startedAt: z.string(),
  updatedAt: z.string(),
});
const Page = pageOf('RunSummary', Item);

// The cursor is the sort key of the last row returned: (started_at, run_id), newest first, base64url-encoded.
const encodeCursor = (startedAt: Date, id: string) =>
  Buffer.from(`${startedAt.toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  const [startedAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(startedAt ?? '');
  if (!id || Number.isNaN(at.getTime()) || !z.uuid().safeParse(id).success) {
    throw new HttpProblem(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this API returned.', {
      issues: [{ path: 'querystring/cursor', message: 'unknown cursor' }],
    });
  }
  return { startedAt: at, id };
}

/** GET /runs — runs, newest first, from the run-list projection; headers say how far behind it is. */
export interface RunListDeps {
  db: Kysely<RunListDb>;
  /** The run-list projection, for the lag headers. */
  runner: ProjectionRunner;
}

export const runListRoute: FastifyPluginAsyncZod<RunListDeps> = async (app, { db, runner }) => {
  app.get(
    '/runs',
    { schema: { summary: 'List pipeline runs', tags: ['runs'], querystring: Query, response: { 200: Page } } },
    async (request, reply) => {
      const { service, status, limit, cursor } = request.query;
      let query = db
        .selectFrom('pipeline.run_list')
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('run_id', 'desc')
        .limit(limit + 1);
      if (service) query = query.where('service', '=', service);
      if (status) query = query.where('status', '=', status);
      if (cursor) {
        const after = decodeCursor(cursor);
        query = query.where((eb) =>
          eb.or([
            eb('started_at', '<', after.startedAt),
            eb.and([eb('started_at', '=', after.startedAt), eb('run_id', '<', after.id)]),
          ]),
        );
      }
      const [rows, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return reply.headers({ ...lag }).send({
        items: page.map((r) => ({
          id: r.run_id,
          service: r.service,
          artifact: { name: r.artifact_name, version: r.artifact_version },
          definitionVersion: r.definition_version,
          triggeredBy: r.triggered_by,
          status: r.status,
          deployedTo: r.deployed_to,
          blockedPromotions: r.blocked_promotions,
          startedAt: new Date(r.started_at).toISOString(),
          updatedAt: new Date(r.updated_at).toISOString(),
        })),
        nextCursor: rows.length > limit && last ? encodeCursor(new Date(last.started_at), last.run_id) : null,
      });
    },
  );
};
