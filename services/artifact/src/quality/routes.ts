import type { App } from '@railyard/service-kit';
import type { ArtifactHandler, LoadArtifact } from '../artifacts/domain/artifact-identity.js';
import type { ArtifactPolicies } from '../policies.js';
import type { KeyVault } from '../signing/key-vault.js';
import { attachScanRoute } from './attach-scan/route.js';
import { promoteRoute } from './promote/route.js';
import { stageStatusRoute } from './stage-status/route.js';

/** What the quality-gates capability (A3) is given; each route takes only what it uses. */
export interface QualityRoutesDeps {
  artifacts: ArtifactHandler;
  loadArtifact: LoadArtifact;
  vault: KeyVault;
  policies: Pick<ArtifactPolicies, 'stages' | 'licenses'>;
  now: () => Date;
}

/** The quality capability's routes: one line a slice. */
export async function registerQualityRoutes(app: App, deps: QualityRoutesDeps): Promise<void> {
  const { artifacts, loadArtifact, vault, policies, now } = deps;
  await app.register(attachScanRoute, { artifacts, policies, now });
  await app.register(promoteRoute, { loadArtifact, artifacts, vault, policies, now });
  await app.register(stageStatusRoute, { loadArtifact, vault, policies });
}
