import { ArtifactErrorCodes, ruleViolated } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { ArtifactParams, ArtifactView, artifactView } from '../../artifacts/artifact-view.js';
import {
  type ArtifactHandler,
  artifactIdOf,
  artifactStream,
  type LoadArtifact,
} from '../../artifacts/domain/artifact-identity.js';
import type { KeyVault } from '../../signing/key-vault.js';

/** What this slice uses, handed over by its capability's routes. */
export interface SignArtifactDeps {
  loadArtifact: LoadArtifact;
  artifacts: ArtifactHandler;
  vault: KeyVault;
  now: () => Date;
}

/**
 * POST /artifacts/:name/:version/signatures — sign the artifact's digest with the active key (A6). The signature is
 * Ed25519 over the 32 raw bytes of the sha256 digest.
 */
export const signArtifactRoute: FastifyPluginAsyncZod<SignArtifactDeps> = async (app, deps) => {
  const { artifacts, vault, now } = deps;
  app.post(
    '/artifacts/:name/:version/signatures',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Sign an artifact with the active key',
        tags: ['signing'],
        params: ArtifactParams,
        response: { 200: ArtifactView, 201: ArtifactView },
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const { artifact } = await deps.loadArtifact(name, version);
      const key = await vault.activeKey();
      if (!key) {
        throw ruleViolated(ArtifactErrorCodes.NO_ACTIVE_KEY, 'The keyring has no active key: rotate to create one.');
      }
      const signature = await vault.sign(key.keyId, Buffer.from(artifact.sha256, 'hex'));
      const ctx = commandContext(request, { now: now() });
      const result = await artifacts.handle(
        artifactStream(artifactIdOf(name, version)),
        {
          type: 'SignArtifact',
          actor: ctx.actor,
          at: ctx.now,
          keyId: key.keyId,
          algorithm: key.algorithm,
          signature: signature.toString('base64'),
        },
        ctx,
      );
      if (!result.state.exists) throw new Error('unreachable: signing needs a registered artifact');
      return reply
        .code(result.events.length > 0 && !result.replayed ? 201 : 200)
        .header('etag', etagOf(result.revision))
        .send(artifactView(result.state, result.revision));
    },
  );
};
