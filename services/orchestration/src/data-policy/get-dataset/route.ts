import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { loadDataset } from '../dataset-store.js';
import { DatasetParams, DatasetView } from '../dataset-view.js';

/** GET /datasets/:name — classification and attestations, folded from the stream. */
export const getDatasetRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/datasets/:name',
    {
      schema: {
        summary: 'Get a dataset',
        tags: ['data-policy'],
        params: DatasetParams,
        response: { 200: DatasetView },
      },
    },
    async (request, reply) => {
      const { dataset, revision } = await loadDataset(store, request.params.name);
      const { exists: _e, ...view } = dataset;
      return reply.header('etag', etagOf(revision)).send({ ...view, revision: Number(revision) });
    },
  );
};
