import {
  invalid,
  MigrationId,
  MigrationKind,
  OrchestrationErrorCodes,
  SemverRange,
  ServiceNameSchema,
  serviceSchemaStream,
} from '@railyard/contracts';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { PlanRouteDeps } from '../plan-routes-deps.js';
import { loadPlan, loadSchemas } from '../plan-store.js';
import { PlanParams, PlanView, planView } from '../plan-view.js';

const Body = z.strictObject({
  service: ServiceNameSchema,
  migrationId: MigrationId,
  sequence: z.number().int().min(1),
  kind: MigrationKind,
  compatibleWith: SemverRange.describe('Application versions that run on the schema after this migration.'),
  consumers: z
    .array(ServiceNameSchema)
    .min(1)
    .max(100)
    .optional()
    .describe('Services using the schema (default: the service).'),
  down: z.string().min(1).max(20_000).nullable().describe('The pre-staged down migration (null with irreversible).'),
  irreversible: z.boolean().default(false),
});

/** POST /plans/:id/migrations — stage a migration of a plan's service (O2): versioned, kind, compatibility, down. */
export const registerMigrationRoute: FastifyPluginAsyncZod<PlanRouteDeps> = async (app, deps) => {
  app.post(
    '/plans/:id/migrations',
    {
      config: { roles: ['release-manager', 'deployment-lead', 'developer'] },
      schema: {
        summary: 'Stage a database migration',
        description:
          'Expand and migrate migrations must run before the plan deploys the service in an environment; a contract waits for every consumer.',
        tags: ['plans'],
        params: PlanParams,
        body: Body,
        response: { 201: PlanView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { plan, revision } = await loadPlan(deps.store, request.params.id);
      const body = request.body;
      if (!plan.services.some((s) => s.service === body.service)) {
        throw invalid(OrchestrationErrorCodes.PLAN_SERVICE_UNKNOWN, `The plan does not deploy ${body.service}.`);
      }
      await deps.schemas.handle(
        serviceSchemaStream(body.service),
        {
          type: 'RegisterMigration',
          ...body,
          consumers: body.consumers ?? [body.service],
          planId: plan.planId,
          actor: ctx.actor,
        },
        ctx,
      );
      return reply.code(201).send(planView(plan, revision, await loadSchemas(deps.store, plan)));
    },
  );
};
