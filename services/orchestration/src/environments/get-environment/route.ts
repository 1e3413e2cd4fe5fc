import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { type EnvironmentRouteDeps, loadEnvironment } from '../environment-store.js';
import { EnvironmentParams, EnvironmentView, environmentView } from '../environment-view.js';

/** GET /environments/:name — folded from its stream, so always current. */
export const getEnvironmentRoute: FastifyPluginAsyncZod<Pick<EnvironmentRouteDeps, 'store'>> = async (
  app,
  { store },
) => {
  app.get(
    '/environments/:name',
    {
      schema: {
        summary: 'Get an environment',
        tags: ['environments'],
        params: EnvironmentParams,
        response: { 200: EnvironmentView },
      },
    },
    async (request, reply) => {
      const { environment, revision } = await loadEnvironment(store, request.params.name);
      return reply.header('etag', etagOf(revision)).send(environmentView(environment, revision));
    },
  );
};
