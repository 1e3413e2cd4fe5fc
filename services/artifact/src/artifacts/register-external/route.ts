import { ArtifactErrorCodes, Sha256Hex } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import { type ArtifactHandler, artifactIdOf, artifactStream } from '../../artifacts/domain/artifact-identity.js';
import { ArtifactParams, ArtifactView, artifactView, PublishMetadata } from '../artifact-view.js';

const Body = z.strictObject({
  name: ArtifactParams.shape.name,
  version: ArtifactParams.shape.version,
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, '`sha256:` followed by 64 lowercase hex characters')
    .describe('The content address of the bytes stored elsewhere.'),
  size: z.number().int().min(0).optional(),
  uri: z
    .url({ protocol: /^(https?|s3|gs|oci)$/ })
    .max(2000)
    .describe('Where the content is stored.'),
  ...PublishMetadata,
});

/** What this slice uses, handed over by its capability's routes. */
export interface RegisterExternalDeps {
  artifacts: ArtifactHandler;
  now: () => Date;
}

/** POST /artifacts — register content stored elsewhere, by digest and URI (A2). */
export const registerExternalRoute: FastifyPluginAsyncZod<RegisterExternalDeps> = async (app, { artifacts, now }) => {
  app.post(
    '/artifacts',
    {
      config: { roles: ['developer', 'deployer', 'release-manager'] },
      schema: {
        summary: 'Register an artifact stored elsewhere (by digest and URI)',
        tags: ['artifacts'],
        body: Body,
        response: { 200: ArtifactView, 201: ArtifactView },
      },
    },
    async (request, reply) => {
      const { name, version, digest, size, uri, kind, auditClass, ...source } = request.body;
      const sha256 = Sha256Hex.parse(digest.slice('sha256:'.length));
      const ctx = commandContext(request, { now: now() });
      const artifactId = artifactIdOf(name, version);
      const result = await artifacts.handle(
        artifactStream(artifactId),
        {
          type: 'RegisterArtifact',
          actor: ctx.actor,
          at: ctx.now,
          artifactId,
          name,
          kind,
          version,
          sha256,
          ...(size !== undefined ? { size } : {}),
          storage: 'external',
          uri,
          ...Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined)),
          auditClass,
        },
        ctx,
      );
      const state = result.state;
      if (!state.exists) throw new Error('registration left no artifact');
      if (state.sha256 !== sha256) {
        throw new HttpProblem(
          409,
          ArtifactErrorCodes.OVERWRITE_REFUSED,
          `${name}@${state.version} is already published with other content; versions are immutable.`,
          { existingSha256: state.sha256, attemptedSha256: sha256 },
        );
      }
      const created = result.events.some((e) => e.type === 'ArtifactRegistered') && !result.replayed;
      return reply
        .code(created ? 201 : 200)
        .header('location', `/artifacts/${name}/${state.version}`)
        .header('etag', etagOf(result.revision))
        .send(artifactView(state, result.revision));
    },
  );
};
