import { PlanRollbackStep } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { derivePlanRollback } from '../domain/rollback-plan.js';
import { loadPlan, loadSchemas } from '../plan-store.js';
import { PlanParams } from '../plan-view.js';

const RollbackPlanView = z.object({
  planId: z.uuid(),
  status: z.string(),
  steps: z.array(PlanRollbackStep),
  refusals: z.number().int().describe('Steps a migration forbids (irreversible or contracted), each naming it.'),
});

/** GET /plans/:id/rollback-plan — the compensation the plan would run now (R1), derived before anyone needs it. */
export const rollbackPlanRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/plans/:id/rollback-plan',
    {
      config: { roles: [] },
      schema: {
        summary: 'Show a plan’s compensation',
        description:
          'Flags to kill, then the opened waves in reverse order: each deployment back to its rollback target and the plan’s migrations of it down, or a refusal naming the migration that forbids it.',
        tags: ['plans'],
        params: PlanParams,
        response: { 200: RollbackPlanView },
      },
    },
    async (request, reply) => {
      const { plan, revision } = await loadPlan(store, request.params.id);
      const steps = derivePlanRollback(plan, await loadSchemas(store, plan));
      return reply.header('etag', etagOf(revision)).send({
        planId: plan.planId,
        status: plan.status,
        steps,
        refusals: steps.filter((s) => s.kind === 'refused').length,
      });
    },
  );
};
