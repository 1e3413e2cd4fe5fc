import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { loadPlan, loadSchemas } from '../plan-store.js';
import { PlanParams, PlanView, planView } from '../plan-view.js';

/** GET /plans/:id — folded from its stream and its services' schemas, so always current. */
export const getPlanRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/plans/:id',
    {
      config: { roles: [] },
      schema: {
        summary: 'Get a rollout plan',
        description:
          'Its waves per environment and their state, deployments, runbook, migrations, flags, decisions and rollback.',
        tags: ['plans'],
        params: PlanParams,
        response: { 200: PlanView },
      },
    },
    async (request, reply) => {
      const { plan, revision } = await loadPlan(store, request.params.id);
      return reply.header('etag', etagOf(revision)).send(planView(plan, revision, await loadSchemas(store, plan)));
    },
  );
};
