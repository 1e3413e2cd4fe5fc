import { OrchestrationErrorCodes, rolloutPlanStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import { actsAsLead, type Plan } from '../domain/plan.js';
import type { PlanRouteDeps } from '../plan-routes-deps.js';
import { loadPlan, loadSchemas } from '../plan-store.js';
import { PlanView, planView } from '../plan-view.js';

const Params = z.strictObject({ id: z.uuid(), decisionId: z.string().min(1).max(200) });
const Body = z.strictObject({ note: z.string().max(2000).default('') });

/** POST /plans/:id/decisions/:decisionId/acknowledge — whoever was asked (the lead, an escalation, an admin) answers (O6). */
export const acknowledgeDecisionRoute: FastifyPluginAsyncZod<PlanRouteDeps> = async (app, deps) => {
  app.post(
    '/plans/:id/decisions/:decisionId/acknowledge',
    {
      config: { roles: ['deployment-lead', 'release-manager', 'sre', 'deployer', 'developer'] },
      schema: {
        summary: 'Acknowledge a lead decision',
        description: 'Stops the escalation. Only the person now asked, the lead, or an admin may acknowledge.',
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
      const state = result.state as Plan;
      return reply
        .header('etag', etagOf(result.revision))
        .send(planView(state, result.revision, await loadSchemas(deps.store, state)));
    },
  );
};
