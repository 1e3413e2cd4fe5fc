import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { loadExistingQuota } from '../quota-store.js';
import { QuotaParams, QuotaView, quotaView } from '../quota-view.js';

/** GET /quotas/:team/:environment — limits, current use, reservations and the queue, folded from the stream. */
export const getQuotaRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/quotas/:team/:environment',
    {
      schema: {
        summary: 'Get a quota and its use',
        tags: ['quotas'],
        params: QuotaParams,
        response: { 200: QuotaView },
      },
    },
    async (request, reply) => {
      const { quota, revision } = await loadExistingQuota(store, request.params.team, request.params.environment);
      return reply.header('etag', etagOf(revision)).send(quotaView(quota, revision));
    },
  );
};
