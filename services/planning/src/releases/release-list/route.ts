import { ErrorCodes } from '@railyard/contracts';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import { type FastifyPluginAsyncZod, HttpProblem, pageOf } from '@railyard/service-kit';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { ReleaseStatusSchema } from '../release-view.js';
import type { ReleaseListDb } from './projection.js';

const Query = z.strictObject({
  status: ReleaseStatusSchema.optional(),
  trainId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page.'),
});

const Item = z.object({
  id: z.uuid(),
  name: z.string(),
  targetDate: z.string(),
  trainId: z.uuid().nullable(),
  owner: z.string(),
  status: z.string(),
  scopeCount: z.number().int(),
  plannedAt: z.string(),
  frozenAt: z.string().nullable(),
});
const Page = pageOf('ReleaseSummary', Item);

// The cursor is the sort key of the last row returned: (target_date, release_id), base64url-encoded.
const encodeCursor = (targetDate: string, id: string) => Buffer.from(`${targetDate}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { targetDate: string; id: string } {
  const [targetDate, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!targetDate || !id || !/^\d{4}-\d{2}-\d{2}$/.test(targetDate) || !z.uuid().safeParse(id).success) {
    throw new HttpProblem(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this API returned.', {
      issues: [{ path: 'querystring/cursor', message: 'unknown cursor' }],
    });
  }
  return { targetDate, id };
}

export interface ReleaseListDeps {
  db: Kysely<ReleaseListDb>;
  runner: ProjectionRunner;
}

/** GET /releases — releases by target date, from the projection; headers say how far behind it is. */
export const releaseListRoute: FastifyPluginAsyncZod<ReleaseListDeps> = async (app, { db, runner }) => {
  app.get(
    '/releases',
    {
      schema: {
        summary: 'List releases',
        description: 'Releases by target date, from the projection; headers say how far behind it is.',
        tags: ['releases'],
        querystring: Query,
        response: { 200: Page },
      },
    },
    async (request, reply) => {
      const { status, trainId, limit, cursor } = request.query;
      let query = db
        .selectFrom('planning.release_list')
        .selectAll()
        // `date` as text: the pg driver would turn it into a local-midnight Date.
        .select(sql<string>`target_date::text`.as('target_day'))
        .orderBy('target_date')
        .orderBy('release_id')
        .limit(limit + 1);
      if (status) query = query.where('status', '=', status);
      if (trainId) query = query.where('train_id', '=', trainId);
      if (cursor) {
        const after = decodeCursor(cursor);
        query = query.where((eb) =>
          eb.or([
            eb('target_date', '>', after.targetDate),
            eb.and([eb('target_date', '=', after.targetDate), eb('release_id', '>', after.id)]),
          ]),
        );
      }
      const [rows, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return reply.headers({ ...lag }).send({
        items: page.map((r) => ({
          id: r.release_id,
          name: r.name,
          targetDate: r.target_day,
          trainId: r.train_id,
          owner: r.owner,
          status: r.status,
          scopeCount: r.scope_count,
          plannedAt: new Date(r.planned_at).toISOString(),
          frozenAt: r.frozen_at ? new Date(r.frozen_at).toISOString() : null,
        })),
        nextCursor: rows.length > limit && last ? encodeCursor(last.target_day, last.release_id) : null,
      });
    },
  );
};
