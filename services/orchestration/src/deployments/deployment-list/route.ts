import { OrchestrationEnvironmentName, RunArtifact, ServiceNameSchema } from '@railyard/contracts';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { pageOf } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { decodeCursor, encodeCursor, PageQuery } from '../../pagination/cursor.js';
import { DeploymentStatusSchema } from '../deployment-view.js';
import type { DeploymentListDb } from './projection.js';

const Query = z.strictObject({
  service: ServiceNameSchema.optional(),
  environment: OrchestrationEnvironmentName.optional(),
  status: DeploymentStatusSchema.optional(),
  release: z.uuid().optional(),
  ...PageQuery,
});
const Item = z.object({
  id: z.uuid(),
  runId: z.uuid(),
  stage: z.number().int(),
  releaseId: z.string().nullable(),
  planId: z.string().nullable(),
  service: z.string(),
  environment: z.string(),
  environmentTier: z.string().nullable(),
  version: RunArtifact.shape.version,
  strategy: z.enum(['canary', 'blue-green', 'rolling']),
  status: DeploymentStatusSchema,
  stepsTotal: z.number().int(),
  stepsDone: z.number().int(),
  liveWeight: z.number().int().nullable(),
  reason: z.string(),
  requestedAt: z.string(),
  updatedAt: z.string(),
});

/** GET /deployments — deployments by request time, filterable, paginated, from the deployment-list projection. */
export const deploymentListRoute: FastifyPluginAsyncZod<{
  db: Kysely<DeploymentListDb>;
  runner: ProjectionRunner;
}> = async (app, { db, runner }) => {
  app.get(
    '/deployments',
    {
      schema: {
        summary: 'Deployments',
        tags: ['deployments'],
        querystring: Query,
        response: { 200: pageOf('DeploymentSummary', Item) },
      },
    },
    async (request, reply) => {
      const { service, environment, status, release, limit, cursor } = request.query;
      let query = db
        .selectFrom('orchestration.deployments')
        .selectAll()
        .orderBy('requested_at')
        .orderBy('deployment_id')
        .limit(limit + 1);
      if (cursor) {
        const [requestedAt, id] = decodeCursor(cursor, 2) as [string, string];
        const after = new Date(requestedAt);
        query = query.where((eb) =>
          eb.or([
            eb('requested_at', '>', after),
            eb.and([eb('requested_at', '=', after), eb('deployment_id', '>', id)]),
          ]),
        );
      }
      if (service) query = query.where('service', '=', service);
      if (environment) query = query.where('environment', '=', environment);
      if (status) query = query.where('status', '=', status);
      if (release) query = query.where('release_id', '=', release);
      const [found, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      const rows = found.slice(0, limit);
      const last = rows.at(-1);
      return reply.headers({ ...lag }).send({
        nextCursor:
          found.length > limit && last ? encodeCursor([last.requested_at.toISOString(), last.deployment_id]) : null,
        items: rows.map((r) => ({
          id: r.deployment_id,
          runId: r.run_id,
          stage: r.stage,
          releaseId: r.release_id,
          planId: r.plan_id,
          service: r.service,
          environment: r.environment,
          environmentTier: r.environment_tier,
          version: r.version,
          strategy: r.strategy as 'canary' | 'blue-green' | 'rolling',
          status: r.status as z.infer<typeof DeploymentStatusSchema>,
          stepsTotal: r.steps_total,
          stepsDone: r.steps_done,
          liveWeight: r.live_weight,
          reason: r.reason,
          requestedAt: r.requested_at.toISOString(),
          updatedAt: r.updated_at.toISOString(),
        })),
      });
    },
  );
};
