import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { ArtifactParams } from '../../artifacts/artifact-view.js';
import type { LoadArtifact } from '../../artifacts/domain/artifact-identity.js';
import { evaluateGates } from '../../artifacts/domain/gates.js';
import type { ArtifactPolicies } from '../../policies.js';
import type { KeyVault } from '../../signing/key-vault.js';
import { signatureChecks } from '../signature-checks.js';

const Status = z.object({
  stages: z.array(
    z.object({
      stage: z.string(),
      status: z.enum(['promoted', 'eligible', 'blocked']),
      passed: z.array(z.string()),
      failed: z.array(z.object({ rule: z.string(), detail: z.string() })),
    }),
  ),
});

/** What this slice uses, handed over by its capability's routes. */
export interface StageStatusDeps {
  loadArtifact: LoadArtifact;
  vault: KeyVault;
  policies: Pick<ArtifactPolicies, 'stages'>;
}

/** GET /artifacts/:name/:version/stages — promotion status per stage: promoted, eligible, or blocked and why. */
export const stageStatusRoute: FastifyPluginAsyncZod<StageStatusDeps> = async (app, deps) => {
  app.get(
    '/artifacts/:name/:version/stages',
    {
      schema: {
        summary: 'Promotion status of an artifact per stage',
        tags: ['quality'],
        params: ArtifactParams,
        response: { 200: Status },
      },
    },
    async (request) => {
      const { artifact } = await deps.loadArtifact(request.params.name, request.params.version);
      const checks = await signatureChecks(deps.vault, artifact);
      return {
        stages: Object.entries(deps.policies.stages).map(([stage, policy]) => {
          const outcome = evaluateGates(artifact, policy, checks);
          const status = artifact.promotions.includes(stage)
            ? ('promoted' as const)
            : outcome.failed.length === 0 && !artifact.swept
              ? ('eligible' as const)
              : ('blocked' as const);
          return { stage, status, ...outcome };
        }),
      };
    },
  );
};
