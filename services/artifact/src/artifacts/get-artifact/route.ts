import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { LoadArtifact } from '../../artifacts/domain/artifact-identity.js';
import { ArtifactParams, ArtifactView, artifactView } from '../artifact-view.js';

/** What this slice uses, handed over by its capability's routes. */
export interface GetArtifactDeps {
  loadArtifact: LoadArtifact;
}

/** GET /artifacts/:name/:version — the artifact folded from its stream (always current); ETag = stream revision. */
export const getArtifactRoute: FastifyPluginAsyncZod<GetArtifactDeps> = async (app, deps) => {
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
      const { artifact, revision } = await deps.loadArtifact(request.params.name, request.params.version);
      return reply.header('etag', etagOf(revision)).send(artifactView(artifact, revision));
    },
  );
};
