import { EnvironmentTier, ServiceNameSchema } from '@railyard/contracts';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { parityReport } from '../domain/parity.js';
import type { EnvironmentListDb } from '../environment-list/projection.js';

const Query = z.strictObject({ service: ServiceNameSchema });
const Report = z.object({
  service: z.string(),
  environments: z.array(z.object({ name: z.string(), tier: EnvironmentTier })),
  differences: z.array(
    z.object({
      aspect: z.enum(['template', 'templateVersion', 'parameterKey', 'configValue']),
      path: z.string(),
      values: z.record(z.string(), z.unknown()),
    }),
  ),
});

/** GET /parity?service= — every difference between the environments of one service across tiers (E1). */
export const parityRoute: FastifyPluginAsyncZod<{ db: Kysely<EnvironmentListDb>; runner: ProjectionRunner }> = async (
  app,
  { db, runner },
) => {
  app.get(
    '/parity',
    {
      schema: {
        summary: 'Parity report across the environments of a service',
        tags: ['environments'],
        querystring: Query,
        response: { 200: Report },
      },
    },
    async (request, reply) => {
      const [rows, lag] = await Promise.all([
        db
          .selectFrom('orchestration.environments')
          .selectAll()
          .where('service', '=', request.query.service)
          .where('torn_down_at', 'is', null)
          .execute(),
        projectionLagHeaders(runner),
      ]);
      const report = parityReport(
        rows.map((r) => ({
          name: r.name,
          tier: r.tier as EnvironmentTier,
          template: r.template,
          templateVersion: r.template_version,
          parameters: r.parameters,
          actualConfig: r.actual_config,
        })),
      );
      return reply.headers({ ...lag }).send({ service: request.query.service, ...report });
    },
  );
};
