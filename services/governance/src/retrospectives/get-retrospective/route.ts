import { GovernanceErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import {
  loadRetrospective,
  RetrospectiveParams,
  RetrospectiveView,
  retrospectiveView,
} from '../retrospective-store.js';

/** GET /retrospectives/:id — the retrospective folded from its stream, overdue actions flagged by the service clock. */
export const getRetrospectiveRoute: FastifyPluginAsyncZod<{ store: EventStore; now: () => Date }> = async (
  app,
  { store, now },
) => {
  app.get(
    '/retrospectives/:id',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'auditor', 'analyst', 'developer'] },
      schema: {
        summary: 'A retrospective',
        tags: ['retrospectives'],
        params: RetrospectiveParams,
        response: { 200: RetrospectiveView },
      },
    },
    async (request, reply) => {
      const loaded = await loadRetrospective(store, request.params.id);
      if (!loaded.state.exists) throw notFound(Codes.RETROSPECTIVE_NOT_FOUND, 'No retrospective with this id.');
      return reply
        .header('etag', etagOf(loaded.revision))
        .send(retrospectiveView(loaded.state, loaded.revision, now()));
    },
  );
};
