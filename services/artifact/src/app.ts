import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { artifactLoader, createArtifactCommands } from './artifacts/artifact-store.js';
import { registerArtifactRoutes } from './artifacts/routes.js';
import { createBundleCommands } from './bundles/bundle-store.js';
import { registerBundleRoutes } from './bundles/routes.js';
import type { ArtifactCatalogDb } from './catalog/projection.js';
import { registerCatalogRoutes } from './catalog/routes.js';
import type { ContentStore } from './content/content-store.js';
import type { ArtifactPolicies } from './policies.js';
import { registerQualityRoutes } from './quality/routes.js';
import { registerRetentionRoutes } from './retention/routes.js';
import type { KeyVault } from './signing/key-vault.js';
import { registerSigningRoutes } from './signing/routes.js';
import { createSigningKeyCommands } from './signing/signing-key-store.js';

export const SERVICE_NAME = 'artifact';
export const SERVICE_VERSION = '0.1.0';

export interface ArtifactDeps extends Omit<AppDeps, 'serviceName' | 'version'> {
  store: EventStore;
  db: Kysely<ArtifactCatalogDb>;
  catalog: ProjectionRunner;
  content: ContentStore;
  vault: KeyVault;
  policies: ArtifactPolicies;
  now?: () => Date;
}

/** The artifact service's HTTP API. Never listens: main() does, tests inject. */
export async function buildArtifactApp(deps: ArtifactDeps): Promise<App> {
  const { store, db, catalog, content, vault, policies, now = () => new Date(), ...kit } = deps;
  const app = await buildApp({ ...kit, serviceName: SERVICE_NAME, version: SERVICE_VERSION });
  // Each capability registers its own routes with the narrow dependencies they use; there is no service-wide hub.
  // Capabilities that act on artifacts get the artifact handler and loader from here, never from the artifacts folder.
  const artifacts = createArtifactCommands(store, policies.naming);
  const loadArtifact = artifactLoader(store, policies.naming);
  await registerArtifactRoutes(app, { artifacts, loadArtifact, content, db, policies, now });
  await registerCatalogRoutes(app, { db, catalog });
  await registerQualityRoutes(app, { artifacts, loadArtifact, vault, policies, now });
  await registerSigningRoutes(app, { keys: createSigningKeyCommands(store), vault, loadArtifact, artifacts, now });
  await registerBundleRoutes(app, { loadArtifact, bundles: createBundleCommands(store), store, now });
  await registerRetentionRoutes(app, { artifacts, db, catalog, content, policies, now });
  return app;
}
