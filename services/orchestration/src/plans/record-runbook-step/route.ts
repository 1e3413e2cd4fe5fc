import { OrchestrationErrorCodes, rolloutPlanStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import type { Plan } from '../domain/plan.js';
import type { PlanRouteDeps } from '../plan-routes-deps.js';
import { loadPlan, loadSchemas } from '../plan-store.js';
import { PlanView, planView } from '../plan-view.js';

const Params = z.strictObject({ id: z.uuid(), stepId: z.string().min(1).max(64) });
const Body = z.strictObject({
  outcome: z.enum(['done', 'skipped', 'failed']),
  reason: z.string().max(2000).default('').describe('Required when skipped or failed.'),
  evidence: z.string().max(4000).nullable().default(null).describe('What the validation showed.'),
});

/** POST /plans/:id/runbook/steps/:stepId — the step's owner records it (O5): done, skipped with a reason, failed. */
export const recordRunbookStepRoute: FastifyPluginAsyncZod<PlanRouteDeps> = async (app, deps) => {
  app.post(
    '/plans/:id/runbook/steps/:stepId',
    {
      config: { roles: ['sre', 'deployer', 'developer', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Record a runbook step',
        description: 'Only a holder of the step’s owner role (or admin) records it. A failed step stays open.',
        tags: ['plans'],
        params: Params,
        body: Body,
        response: { 200: PlanView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { plan } = await loadPlan(deps.store, request.params.id);
      const step = plan.runbook?.steps.find((s) => s.id === request.params.stepId);
      if (step && !ctx.actor.roles.includes(step.ownerRole) && !ctx.actor.roles.includes('admin')) {
        throw new HttpProblem(
          403,
          OrchestrationErrorCodes.RUNBOOK_STEP_NOT_OWNER,
          `Step ${step.id} is the ${step.ownerRole}'s.`,
          {
            ownerRole: step.ownerRole,
          },
        );
      }
      const result = await deps.commands.handle(
        rolloutPlanStream(plan.planId),
        { type: 'RecordRunbookStep', stepId: request.params.stepId, ...request.body, actor: ctx.actor, at: ctx.now },
        ctx,
      );
      const state = result.state as Plan;
      return reply
        .header('etag', etagOf(result.revision))
        .send(planView(state, result.revision, await loadSchemas(deps.store, state)));
    },
  );
};
