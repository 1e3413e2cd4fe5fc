import { ArtifactErrorCodes, ruleViolated } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import {
  type ArtifactRouteDeps,
  artifactIdOf,
  artifactStream,
  loadArtifact,
} from '../../artifacts/artifact-commands.js';
import { ArtifactParams, ArtifactView, artifactView } from '../../artifacts/artifact-view.js';

/**
 * POST /artifacts/:name/:version/signatures — sign the artifact's digest with the active key (A6). The signature is
 * Ed25519 over the 32 raw bytes of the sha256 digest.
 */
export const signArtifactRoute: FastifyPluginAsyncZod<ArtifactRouteDeps> = async (app, deps) => {
  const { commands, vault, now } = deps;
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
      const { artifact } = await loadArtifact(deps, name, version);
      const key = await vault.activeKey();
      if (!key) {
        throw ruleViolated(ArtifactErrorCodes.NO_ACTIVE_KEY, 'The keyring has no active key: rotate to create one.');
      }
      const signature = await vault.sign(key.keyId, Buffer.from(artifact.sha256, 'hex'));
      const ctx = commandContext(request, { now: now() });
      const result = await commands.artifacts.handle(
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
