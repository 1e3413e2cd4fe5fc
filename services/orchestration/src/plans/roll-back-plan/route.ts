import { rolloutPlanStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { Plan } from '../domain/plan.js';
import { derivePlanRollback } from '../domain/rollback-plan.js';
import type { PlanRouteDeps } from '../plan-routes-deps.js';
import { assertLead, assertPlanGrant, loadPlan, loadSchemas } from '../plan-store.js';
import { PlanParams, PlanView, planView } from '../plan-view.js';

const Body = z.strictObject({ reason: z.string().trim().min(1).max(2000) });

/**
 * POST /plans/:id/rollback — the lead rolls the plan back (O6, R1): the derived compensation is recorded, refusals
 * included; the progress worker then kills the flags, reverses the waves in reverse order through DeploymentControl
 * and hands the down migrations to the executor, recording each step.
 */
export const rollBackPlanRoute: FastifyPluginAsyncZod<PlanRouteDeps> = async (app, deps) => {
  app.post(
    '/plans/:id/rollback',
    {
      config: { roles: ['deployment-lead', 'release-manager', 'sre'] },
      schema: {
        summary: 'Roll a rollout plan back',
        description:
          'Lead or admin only; in prod, with a `lead` grant. Answers 202: the steps run in the background, each recorded on the plan.',
        tags: ['plans'],
        params: PlanParams,
        body: Body,
        response: { 202: PlanView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { plan } = await loadPlan(deps.store, request.params.id);
      assertLead(plan, ctx.actor, 'roll the plan back');
      await assertPlanGrant(deps.grants, plan, ctx.actor, ['lead'], ctx.now, 'roll the plan back');
      const schemas = await loadSchemas(deps.store, plan);
      const steps = derivePlanRollback(plan, schemas);
      const result = await deps.commands.handle(
        rolloutPlanStream(plan.planId),
        { type: 'StartRollback', steps, reason: request.body.reason, actor: ctx.actor, at: ctx.now },
        ctx,
      );
      return reply
        .code(202)
        .header('etag', etagOf(result.revision))
        .send(planView(result.state as Plan, result.revision, schemas));
    },
  );
};
