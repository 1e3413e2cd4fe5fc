import { OrchestrationErrorCodes, rolloutPlanStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import type { DeploymentControl } from '../../rollout-ports.js';
import { actsAsLead, type Plan } from '../domain/plan.js';
import { canaryDecisionStep } from '../plan-progress.js';
import type { PlanRouteDeps } from '../plan-routes-deps.js';
import { assertPlanGrant, loadPlan, loadSchemas } from '../plan-store.js';
import { PlanView, planView } from '../plan-view.js';

const Params = z.strictObject({ id: z.uuid(), decisionId: z.string().min(1).max(200) });
const Body = z.strictObject({ note: z.string().max(2000).default('') });

/** POST /plans/:id/decisions/:decisionId/acknowledge — whoever was asked (the lead, an escalation, an admin) answers (O6). */
export const acknowledgeDecisionRoute: FastifyPluginAsyncZod<PlanRouteDeps & { control: DeploymentControl }> = async (
  app,
  deps,
) => {
  app.post(
    '/plans/:id/decisions/:decisionId/acknowledge',
    {
      config: { roles: ['deployment-lead', 'release-manager', 'sre', 'deployer', 'developer'] },
      schema: {
        summary: 'Acknowledge a lead decision',
        description:
          'Stops the escalation. Only the person now asked, the lead, or an admin may acknowledge; in prod, with a ' +
          '`lead` or `deploy` grant. A canary held at a ' +
          'pause until promoted is promoted (the deployment records DeploymentPromoted and continues).',
        tags: ['plans'],
        params: Params,
        body: Body,
        response: { 200: PlanView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { plan } = await loadPlan(deps.store, request.params.id);
      const decision = plan.decisions.find((d) => d.decisionId === request.params.decisionId);
      if (decision && decision.askedOf !== ctx.actor.id && !actsAsLead(plan, ctx.actor)) {
        throw new HttpProblem(
          403,
          OrchestrationErrorCodes.DECISION_NOT_ASKED,
          `The decision is asked of ${decision.askedOf}.`,
          {
            askedOf: decision.askedOf,
          },
        );
      }
      // G2: the answer may promote a held canary, so in prod it needs a lead or deploy grant, as the promotion does.
      await assertPlanGrant(deps.grants, plan, ctx.actor, ['lead', 'deploy'], ctx.now, 'acknowledge a decision');
      const result = await deps.commands.handle(
        rolloutPlanStream(plan.planId),
        {
          type: 'AcknowledgeDecision',
          decisionId: request.params.decisionId,
          note: request.body.note,
          actor: ctx.actor,
          at: ctx.now,
        },
        ctx,
      );
      // A canary held at a pause until promoted: the answer is the promotion (O6). Idempotent on the step named,
      // so acknowledging again (or after a promotion on the deployment itself) changes nothing.
      const step = decision?.deploymentId ? canaryDecisionStep(decision.decisionId, decision.deploymentId) : null;
      if (decision?.kind === 'canary-paused' && decision.deploymentId && step !== null) {
        await deps.control.promote(decision.deploymentId, ctx, {
          step,
          reason: request.body.note || `Decision ${decision.decisionId} acknowledged.`,
        });
      }
      const state = result.state as Plan;
      return reply
        .header('etag', etagOf(result.revision))
        .send(planView(state, result.revision, await loadSchemas(deps.store, state)));
    },
  );
};
