import { ArtifactErrorCodes, invalid } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import {
  type ArtifactRouteDeps,
  artifactIdOf,
  artifactStream,
  loadArtifact,
} from '../../artifacts/artifact-commands.js';
import { ArtifactParams, ArtifactView, artifactView } from '../../artifacts/artifact-view.js';
import { signatureChecks } from '../signature-checks.js';

const Body = z.strictObject({ stage: z.string().regex(/^[a-z][a-z0-9-]{0,49}$/) });

/**
 * POST /artifacts/:name/:version/promotions — promote to a stage (A3, A6). Refused (409 ARTIFACT_GATE_FAILED,
 * with every failing rule) while a gate of the stage's policy fails; prod also needs a signature that verifies.
 */
export const promoteRoute: FastifyPluginAsyncZod<ArtifactRouteDeps> = async (app, deps) => {
  const { commands, policies, vault, now } = deps;
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
      const { artifact } = await loadArtifact(deps, name, version);
      const checks = await signatureChecks(vault, artifact);
      const ctx = commandContext(request, { now: now() });
      const result = await commands.artifacts.handle(
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
