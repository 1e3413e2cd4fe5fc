import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { loadRun } from '../run-commands.js';
import { RunParams, RunView, runView } from '../run-view.js';

/** GET /runs/:id — the run, folded from its stream (always current). */
export const getRunRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/runs/:id',
    { schema: { summary: 'A pipeline run', tags: ['runs'], params: RunParams, response: { 200: RunView } } },
    async (request, reply) => {
      const { run, revision } = await loadRun(store, request.params.id);
      return reply.header('etag', etagOf(revision)).send(runView(run, revision));
    },
  );
};
