import { ArtifactErrorCodes, invalid } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { ArtifactParams, ArtifactView, artifactView } from '../../artifacts/artifact-view.js';
import {
  type ArtifactHandler,
  artifactIdOf,
  artifactStream,
  type LoadArtifact,
} from '../../artifacts/domain/artifact-identity.js';
import type { ArtifactPolicies } from '../../policies.js';
import type { KeyVault } from '../../signing/key-vault.js';
import { signatureChecks } from '../signature-checks.js';

const Body = z.strictObject({ stage: z.string().regex(/^[a-z][a-z0-9-]{0,49}$/) });

/** What this slice uses, handed over by its capability's routes. */
export interface PromoteDeps {
  loadArtifact: LoadArtifact;
  artifacts: ArtifactHandler;
  vault: KeyVault;
  policies: Pick<ArtifactPolicies, 'stages'>;
  now: () => Date;
}

/**
 * POST /artifacts/:name/:version/promotions — promote to a stage (A3, A6). Refused (409 ARTIFACT_GATE_FAILED,
 * with every failing rule) while a gate of the stage's policy fails; prod also needs a signature that verifies.
 */
export const promoteRoute: FastifyPluginAsyncZod<PromoteDeps> = async (app, deps) => {
  const { artifacts, policies, vault, now } = deps;
  app.post(
    '/artifacts/:name/:version/promotions',
    {
      config: { roles: ['deployer', 'release-manager'] },
      schema: {
        summary: 'Promote an artifact to a stage',
        tags: ['quality'],
        params: ArtifactParams,
        body: Body,
        response: { 200: ArtifactView, 201: ArtifactView },
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const { stage } = request.body;
      const policy = policies.stages[stage];
      if (!policy) {
        throw invalid(ArtifactErrorCodes.STAGE_UNKNOWN, `Unknown stage "${stage}".`, {
          stages: Object.keys(policies.stages),
        });
      }
      const { artifact } = await deps.loadArtifact(name, version);
      const checks = await signatureChecks(vault, artifact);
      const ctx = commandContext(request, { now: now() });
      const result = await artifacts.handle(
        artifactStream(artifactIdOf(name, version)),
        { type: 'PromoteArtifact', actor: ctx.actor, at: ctx.now, stage, policy, signatureChecks: checks },
        ctx,
      );
      if (!result.state.exists) throw new Error('unreachable: promotion needs a registered artifact');
      return reply
        .code(result.events.length > 0 && !result.replayed ? 201 : 200)
        .header('etag', etagOf(result.revision))
        .send(artifactView(result.state, result.revision));
    },
  );
};
