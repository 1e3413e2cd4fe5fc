import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import {
  type ArtifactPolicies,
  type ArtifactRouteDeps,
  createArtifactCommands,
} from './artifacts/artifact-commands.js';
import { downloadRoutes } from './artifacts/download/route.js';
import { getArtifactRoute } from './artifacts/get-artifact/route.js';
import { registerExternalRoute } from './artifacts/register-external/route.js';
import { traceRoute } from './artifacts/trace/route.js';
import { uploadArtifactRoute } from './artifacts/upload-artifact/route.js';
import { createBundleRoute } from './bundles/create-bundle/route.js';
import { getBundleRoute } from './bundles/get-bundle/route.js';
import { artifactListRoute } from './catalog/artifact-list/route.js';
import type { ArtifactCatalogDb } from './catalog/projection.js';
import { stagePromotionsRoute } from './catalog/stage-promotions/route.js';
import type { ContentStore } from './content/content-store.js';
import { attachScanRoute } from './quality/attach-scan/route.js';
import { promoteRoute } from './quality/promote/route.js';
import { stageStatusRoute } from './quality/stage-status/route.js';
import { legalHoldRoutes } from './retention/legal-hold/route.js';
import { retentionReportRoute } from './retention/report/route.js';
import { sweepRoute } from './retention/sweep/route.js';
import type { KeyVault } from './signing/key-vault.js';
import { rotateKeyRoute } from './signing/rotate-key/route.js';
import { signArtifactRoute } from './signing/sign-artifact/route.js';
import { signingKeysRoutes } from './signing/signing-keys/route.js';
import { verifySignatureRoute } from './signing/verify-signature/route.js';

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
  const routeDeps: ArtifactRouteDeps = {
    store,
    commands: createArtifactCommands(store, policies.naming),
    content,
    vault,
    policies,
    db,
    catalog,
    now,
  };
  await app.register(uploadArtifactRoute, routeDeps);
  await app.register(registerExternalRoute, routeDeps);
  await app.register(getArtifactRoute, routeDeps);
  await app.register(downloadRoutes, routeDeps);
  await app.register(traceRoute, routeDeps);
  await app.register(artifactListRoute, routeDeps);
  await app.register(attachScanRoute, routeDeps);
  await app.register(promoteRoute, routeDeps);
  await app.register(stageStatusRoute, routeDeps);
  await app.register(stagePromotionsRoute, routeDeps);
  await app.register(rotateKeyRoute, routeDeps);
  await app.register(signingKeysRoutes, routeDeps);
  await app.register(signArtifactRoute, routeDeps);
  await app.register(verifySignatureRoute, routeDeps);
  await app.register(createBundleRoute, routeDeps);
  await app.register(getBundleRoute, routeDeps);
  await app.register(legalHoldRoutes, routeDeps);
  await app.register(retentionReportRoute, routeDeps);
  await app.register(sweepRoute, routeDeps);
  return app;
}
