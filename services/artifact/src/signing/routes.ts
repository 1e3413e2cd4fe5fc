import type { App } from '@railyard/service-kit';
import type { ArtifactHandler, LoadArtifact } from '../artifacts/domain/artifact-identity.js';
import type { KeyVault } from './key-vault.js';
import { rotateKeyRoute } from './rotate-key/route.js';
import { signArtifactRoute } from './sign-artifact/route.js';
import type { SigningKeyCommands } from './signing-key-store.js';
import { signingKeysRoutes } from './signing-keys/route.js';
import { verifySignatureRoute } from './verify-signature/route.js';

/** What the signing capability (A6) is given; each route takes only what it uses. */
export interface SigningRoutesDeps {
  keys: SigningKeyCommands;
  vault: KeyVault;
  artifacts: ArtifactHandler;
  loadArtifact: LoadArtifact;
  now: () => Date;
}

/** The signing capability's routes: one line a slice. */
export async function registerSigningRoutes(app: App, deps: SigningRoutesDeps): Promise<void> {
  const { keys, vault, now, loadArtifact, artifacts } = deps;
  await app.register(rotateKeyRoute, { keys, vault, now });
  await app.register(signingKeysRoutes, { vault });
  await app.register(signArtifactRoute, { loadArtifact, artifacts, vault, now });
  await app.register(verifySignatureRoute, { vault });
}
