import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { type ArtifactRouteDeps, loadArtifact } from '../artifact-commands.js';
import { ArtifactParams, ArtifactView, artifactView } from '../artifact-view.js';

/** GET /artifacts/:name/:version — the artifact folded from its stream (always current); ETag = stream revision. */
export const getArtifactRoute: FastifyPluginAsyncZod<ArtifactRouteDeps> = async (app, deps) => {
  app.get(
    '/artifacts/:name/:version',
    {
      schema: {
        summary: 'Get an artifact version',
        tags: ['artifacts'],
        params: ArtifactParams,
        response: { 200: ArtifactView },
      },
    },
    async (request, reply) => {
      const { artifact, revision } = await loadArtifact(deps, request.params.name, request.params.version);
      return reply.header('etag', etagOf(revision)).send(artifactView(artifact, revision));
    },
  );
};
