import { OrchestrationEnvironmentName, TeamName } from '@railyard/contracts';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { QuotaUseDb } from './projection.js';

const Query = z.strictObject({ team: TeamName.optional(), environment: OrchestrationEnvironmentName.optional() });
const Units = z.object({
  concurrentDeployments: z.number().int(),
  instances: z.number().int(),
  cpuUnits: z.number().int(),
  memoryUnits: z.number().int(),
});
const Item = z.object({
  team: z.string(),
  environment: z.string(),
  whenExceeded: z.string(),
  limits: Units,
  use: Units,
  queued: z.number().int(),
});

/** GET /quotas — quota use per team and environment, from the quota-use projection. */
export const quotaUseRoute: FastifyPluginAsyncZod<{ db: Kysely<QuotaUseDb>; runner: ProjectionRunner }> = async (
  app,
  { db, runner },
) => {
  app.get(
    '/quotas',
    {
      schema: {
        summary: 'Quota use per team and environment',
        tags: ['quotas'],
        querystring: Query,
        response: { 200: z.object({ items: z.array(Item) }) },
      },
    },
    async (request, reply) => {
      let query = db.selectFrom('orchestration.quota_use').selectAll().orderBy('team').orderBy('environment');
      if (request.query.team) query = query.where('team', '=', request.query.team);
      if (request.query.environment) query = query.where('environment', '=', request.query.environment);
      const [rows, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      return reply.headers({ ...lag }).send({
        items: rows.map((r) => ({
          team: r.team,
          environment: r.environment,
          whenExceeded: r.when_exceeded,
          limits: {
            concurrentDeployments: r.max_concurrent_deployments,
            instances: r.max_instances,
            cpuUnits: r.max_cpu_units,
            memoryUnits: r.max_memory_units,
          },
          use: {
            concurrentDeployments: r.concurrent_deployments,
            instances: r.instances,
            cpuUnits: r.cpu_units,
            memoryUnits: r.memory_units,
          },
          queued: r.queued,
        })),
      });
    },
  );
};
