import { FlagErrorCodes, notFound } from '@railyard/contracts';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { FlagKeyParams, type FlagRouteDeps, FlagView, flagView, loadFlag } from '../flag-commands.js';

/** GET /flags/:key — the flag as its stream says now (folded, always current). */
export const getFlagRoute: FastifyPluginAsyncZod<Pick<FlagRouteDeps, 'store'>> = async (app, { store }) => {
  app.get(
    '/flags/:key',
    { schema: { summary: 'Get a flag', tags: ['flags'], params: FlagKeyParams, response: { 200: FlagView } } },
    async (request, reply) => {
      const { state, revision } = await loadFlag(store, request.params.key);
      if (!state.exists) throw notFound(FlagErrorCodes.FLAG_NOT_FOUND, 'No flag with this key.');
      return reply.header('etag', etagOf(revision)).send(flagView(state, revision));
    },
  );
};
