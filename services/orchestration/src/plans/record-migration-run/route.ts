import {
  EnvironmentName,
  invalid,
  MigrationId,
  notFound,
  OrchestrationErrorCodes,
  serviceSchemaStream,
} from '@railyard/contracts';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { PlanDb } from '../plan-list/projection.js';
import type { PlanRouteDeps } from '../plan-routes-deps.js';
import { loadPlan, loadSchemas } from '../plan-store.js';
import { PlanView, planView } from '../plan-view.js';

const Params = z.strictObject({ id: z.uuid(), migrationId: MigrationId });
const Body = z.strictObject({
  environment: EnvironmentName,
  direction: z.enum(['up', 'down']).default('up'),
  outcome: z.enum(['succeeded', 'failed']),
  executor: z.string().trim().min(1).max(200).describe('What ran it: a migration job, a person.'),
  detail: z.string().max(2000).default(''),
});

/**
 * POST /plans/:id/migrations/:migrationId/runs — an executor records a run (O2). A contract is refused until every
 * consumer of its schema runs a compatible version in every environment of the plan (learned from deployments).
 */
export const recordMigrationRunRoute: FastifyPluginAsyncZod<PlanRouteDeps & { db: Kysely<PlanDb> }> = async (
  app,
  deps,
) => {
  app.post(
    '/plans/:id/migrations/:migrationId/runs',
    {
      config: { roles: ['deployer', 'sre', 'deployment-lead'] },
      schema: {
        summary: 'Record a migration run',
        tags: ['plans'],
        params: Params,
        body: Body,
        response: { 201: PlanView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { plan, revision } = await loadPlan(deps.store, request.params.id);
      const body = request.body;
      if (!plan.environments.includes(body.environment)) {
        throw invalid(
          OrchestrationErrorCodes.PLAN_ENVIRONMENT_UNKNOWN,
          `The plan does not deploy to ${body.environment}.`,
        );
      }
      const schemas = await loadSchemas(deps.store, plan);
      const owner = Object.entries(schemas).find(([, s]) =>
        s.migrations.some((m) => m.migrationId === request.params.migrationId && m.planId === plan.planId),
      );
      if (!owner) {
        throw notFound(
          OrchestrationErrorCodes.MIGRATION_NOT_FOUND,
          `The plan staged no migration ${request.params.migrationId}.`,
        );
      }
      const rows = await deps.db.selectFrom('orchestration.running_versions').selectAll().execute();
      const running = (service: string, environment: string) =>
        rows.find((r) => r.service === service && r.environment === environment)?.version ?? null;
      await deps.schemas.handle(
        serviceSchemaStream(owner[0]),
        {
          type: 'RecordMigrationRun',
          service: owner[0],
          migrationId: request.params.migrationId,
          planId: plan.planId,
          ...body,
          planEnvironments: plan.environments,
          running,
        },
        ctx,
      );
      return reply.code(201).send(planView(plan, revision, await loadSchemas(deps.store, plan)));
    },
  );
};
