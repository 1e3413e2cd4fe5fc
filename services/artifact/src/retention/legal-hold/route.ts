import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { ArtifactParams, ArtifactView, artifactView } from '../../artifacts/artifact-view.js';
import { type ArtifactHandler, artifactIdOf, artifactStream } from '../../artifacts/domain/artifact-identity.js';

const Place = z.strictObject({
  reason: z.string().trim().min(1).max(1000),
  caseRef: z.string().min(1).max(200).optional(),
});
const Release = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() });

/** What this slice uses, handed over by its capability's routes. */
export interface LegalHoldDeps {
  artifacts: ArtifactHandler;
  now: () => Date;
}

/** POST /artifacts/:name/:version/legal-hold (and …/legal-hold/release) — block or unblock deletion (A5). */
export const legalHoldRoutes: FastifyPluginAsyncZod<LegalHoldDeps> = async (app, { artifacts, now }) => {
  const roles = ['auditor', 'release-manager'] as const;
  app.post(
    '/artifacts/:name/:version/legal-hold',
    {
      config: { roles },
      schema: {
        summary: 'Place a legal hold',
        tags: ['retention'],
        params: ArtifactParams,
        body: Place,
        response: { 200: ArtifactView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { name, version } = request.params;
      const result = await artifacts.handle(
        artifactStream(artifactIdOf(name, version)),
        { type: 'PlaceLegalHold', actor: ctx.actor, at: ctx.now, ...request.body },
        ctx,
      );
      if (!result.state.exists) throw new Error('unreachable: a hold needs a registered artifact');
      return reply.header('etag', etagOf(result.revision)).send(artifactView(result.state, result.revision));
    },
  );
  app.post(
    '/artifacts/:name/:version/legal-hold/release',
    {
      config: { roles },
      schema: {
        summary: 'Release a legal hold',
        tags: ['retention'],
        params: ArtifactParams,
        body: Release,
        response: { 200: ArtifactView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { name, version } = request.params;
      const result = await artifacts.handle(
        artifactStream(artifactIdOf(name, version)),
        { type: 'ReleaseLegalHold', actor: ctx.actor, at: ctx.now, ...request.body },
        ctx,
      );
      if (!result.state.exists) throw new Error('unreachable: a hold needs a registered artifact');
      return reply.header('etag', etagOf(result.revision)).send(artifactView(result.state, result.revision));
    },
  );
};
