import { ErrorCodes, type EventCatalogue, notFound, releaseEvents } from '@railyard/contracts';
import { loadAggregate } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { releaseDecider } from '../domain/release.decide.js';
import { type ReleaseRouteDeps, releaseStream } from '../release-commands.js';
import { ReleaseIdParams, ReleaseView, releaseView } from '../release-view.js';

/** GET /releases/:id — the release folded from its stream (always current); ETag = stream revision. */
export const getReleaseRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, { store }) => {
  app.get(
    '/releases/:id',
    {
      schema: {
        summary: 'Get a release',
        description: 'The release folded from its stream (always current); ETag = stream revision.',
        tags: ['releases'],
        params: ReleaseIdParams,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const loaded = await loadAggregate(
        store,
        releaseDecider,
        releaseEvents as unknown as EventCatalogue,
        releaseStream(request.params.id),
      );
      if (!loaded.state.exists) throw notFound(ErrorCodes.PLANNING_RELEASE_NOT_FOUND, 'No release with this id.');
      return reply.header('etag', etagOf(loaded.revision)).send(releaseView(loaded.state, loaded.revision));
    },
  );
};
