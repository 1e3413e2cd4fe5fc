import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { loadTrain, type TrainRouteDeps } from '../train-commands.js';
import { TrainIdParams, TrainView, trainView } from '../train-view.js';

const Query = z.strictObject({ slots: z.coerce.number().int().min(1).max(52).default(4) });

/** GET /release-trains/:id — the train with its next slots and their freeze cutoffs, computed in its time zone. */
export const getTrainRoute: FastifyPluginAsyncZod<TrainRouteDeps> = async (app, { store, now }) => {
  app.get(
    '/release-trains/:id',
    {
      schema: {
        summary: 'Get a release train and its upcoming slots',
        description: 'The train with its next slots and their freeze cutoffs, computed in its time zone.',
        tags: ['trains'],
        params: TrainIdParams,
        querystring: Query,
        response: { 200: TrainView },
      },
    },
    async (request, reply) => {
      const { train, revision } = await loadTrain(store, request.params.id);
      return reply.header('etag', etagOf(revision)).send(trainView(train, revision, now(), request.query.slots));
    },
  );
};
