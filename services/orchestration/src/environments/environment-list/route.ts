import { EnvironmentTier, ServiceNameSchema } from '@railyard/contracts';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { pageOf } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { decodeCursor, encodeCursor, PageQuery } from '../../pagination/cursor.js';
import type { EnvironmentListDb } from './projection.js';

const Query = z.strictObject({
  service: ServiceNameSchema.optional(),
  tier: EnvironmentTier.optional(),
  drift: z.enum(['unknown', 'in-sync', 'drifted']).optional(),
  ...PageQuery,
});
const Item = z.object({
  name: z.string(),
  service: z.string(),
  tier: z.string(),
  region: z.string(),
  templateVersion: z.string(),
  driftStatus: z.string(),
  driftCount: z.number().int(),
  expiresAt: z.string().nullable(),
  tornDownAt: z.string().nullable(),
});

/** GET /environments — environments with their drift status, by name, paginated, from the environment-list projection. */
export const environmentListRoute: FastifyPluginAsyncZod<{
  db: Kysely<EnvironmentListDb>;
  runner: ProjectionRunner;
}> = async (app, { db, runner }) => {
  app.get(
    '/environments',
    {
      schema: {
        summary: 'List environments with their drift status',
        tags: ['environments'],
        querystring: Query,
        response: { 200: pageOf('EnvironmentSummary', Item) },
      },
    },
    async (request, reply) => {
      const { service, tier, drift, limit, cursor } = request.query;
      let query = db
        .selectFrom('orchestration.environments')
        .selectAll()
        .orderBy('name')
        .limit(limit + 1);
      if (cursor) query = query.where('name', '>', decodeCursor(cursor, 1)[0]!);
      if (service) query = query.where('service', '=', service);
      if (tier) query = query.where('tier', '=', tier);
      if (drift) query = query.where('drift_status', '=', drift);
      const [found, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      const rows = found.slice(0, limit);
      const last = rows.at(-1);
      return reply.headers({ ...lag }).send({
        nextCursor: found.length > limit && last ? encodeCursor([last.name]) : null,
        items: rows.map((r) => ({
          name: r.name,
          service: r.service,
          tier: r.tier,
          region: r.region,
          templateVersion: r.template_version,
          driftStatus: r.drift_status,
          driftCount: r.drift_differences.length,
          expiresAt: r.expires_at?.toISOString() ?? null,
          tornDownAt: r.torn_down_at?.toISOString() ?? null,
        })),
      });
    },
  );
};
