import { GovernanceErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { ACCESS_READERS, GrantView, grantView, History, historyOf, loadGrant } from '../access-store.js';

const Params = z.strictObject({ grantId: z.uuid() });

/** GET /grants/:grantId — the grant folded from its stream, with its history (every event). */
export const getGrantRoute: FastifyPluginAsyncZod<{ store: EventStore; now: () => Date }> = async (
  app,
  { store, now },
) => {
  app.get(
    '/grants/:grantId',
    {
      config: { roles: [...ACCESS_READERS] },
      schema: {
        summary: 'A grant and its history',
        tags: ['access'],
        params: Params,
        response: { 200: GrantView.extend({ history: History }) },
      },
    },
    async (request, reply) => {
      const loaded = await loadGrant(store, request.params.grantId);
      if (!loaded.state.exists) throw notFound(Codes.GRANT_NOT_FOUND, 'No grant with this id.');
      return reply
        .header('etag', etagOf(loaded.revision))
        .send({ ...grantView(loaded.state, loaded.revision, now()), history: historyOf(loaded.events) });
    },
  );
};
