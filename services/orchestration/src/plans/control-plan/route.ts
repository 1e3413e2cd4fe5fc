import { rolloutPlanStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, type Role } from '@railyard/service-kit';
import { z } from 'zod';
import type { PlanControl } from '../domain/plan.decide.js';
import type { Plan } from '../domain/plan.js';
import type { PlanRouteDeps } from '../plan-routes-deps.js';
import { assertLead, assertPlanGrant, loadPlan, loadSchemas } from '../plan-store.js';
import { PlanParams, PlanView, planView } from '../plan-view.js';

const Body = z.strictObject({ reason: z.string().trim().min(1).max(2000).describe('Why: kept in the event.') });

const COMMANDS: { path: string; type: PlanControl['type']; summary: string; leadOnly: boolean; description: string }[] =
  [
    {
      path: 'promote',
      type: 'Promote',
      summary: 'Promote a rollout plan',
      leadOnly: false,
      description: 'Starts a planned plan: its first wave opens.',
    },
    {
      path: 'pause',
      type: 'Pause',
      summary: 'Pause a rollout plan',
      leadOnly: true,
      description:
        'No further wave opens; deployments of the open wave finish. Lead or admin only; in prod, with a `lead` grant.',
    },
    {
      path: 'resume',
      type: 'Resume',
      summary: 'Resume a rollout plan',
      leadOnly: true,
      description: 'The next wave opens if the open one is done. Lead or admin only; in prod, with a `lead` grant.',
    },
    {
      path: 'abort',
      type: 'Abort',
      summary: 'Abort a rollout plan',
      leadOnly: true,
      description: 'No further deployment of the plan is admitted. Lead or admin only; in prod, with a `lead` grant.',
    },
    {
      path: 'retry',
      type: 'Retry',
      summary: 'Retry a failed wave',
      leadOnly: false,
      description: 'New deployments of the failed wave are admitted again.',
    },
  ];

/** POST /plans/:id/{promote,pause,resume,abort,retry} — commands on the whole plan (O1); the lead's (O6). */
export const controlPlanRoutes: FastifyPluginAsyncZod<PlanRouteDeps> = async (app, deps) => {
  for (const c of COMMANDS) {
    const roles: Role[] = c.leadOnly
      ? ['deployment-lead', 'release-manager', 'sre']
      : ['deployment-lead', 'release-manager'];
    app.post(
      `/plans/:id/${c.path}`,
      {
        config: { roles },
        schema: {
          summary: c.summary,
          description: c.description,
          tags: ['plans'],
          params: PlanParams,
          body: Body,
          response: { 200: PlanView },
        },
      },
      async (request, reply) => {
        const ctx = commandContext(request, { now: deps.now() });
        const { plan } = await loadPlan(deps.store, request.params.id);
        if (c.leadOnly) {
          assertLead(plan, ctx.actor, `${c.path} the plan`);
          await assertPlanGrant(deps.grants, plan, ctx.actor, ['lead'], ctx.now, `${c.path} the plan`);
        }
        const result = await deps.commands.handle(
          rolloutPlanStream(plan.planId),
          { type: c.type, reason: request.body.reason, actor: ctx.actor, at: ctx.now, minuteMs: deps.minuteMs },
          ctx,
        );
        const state = result.state as Plan;
        return reply
          .header('etag', etagOf(result.revision))
          .send(planView(state, result.revision, await loadSchemas(deps.store, state)));
      },
    );
  }
};
