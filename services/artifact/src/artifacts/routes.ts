import type { App } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type { ArtifactCatalogDb } from '../catalog/projection.js';
import type { ContentStore } from '../content/content-store.js';
import type { ArtifactPolicies } from '../policies.js';
import type { ArtifactHandler, LoadArtifact } from './domain/artifact-identity.js';
import { downloadRoutes } from './download/route.js';
import { getArtifactRoute } from './get-artifact/route.js';
import { registerExternalRoute } from './register-external/route.js';
import { traceRoute } from './trace/route.js';
import { uploadArtifactRoute } from './upload-artifact/route.js';

/** What the registry capability (A1/A2) is given; each route takes only what it uses. */
export interface ArtifactRoutesDeps {
  artifacts: ArtifactHandler;
  loadArtifact: LoadArtifact;
  content: ContentStore;
  db: Kysely<ArtifactCatalogDb>;
  policies: ArtifactPolicies;
  now: () => Date;
}

/** The registry capability's routes: one line a slice, so a slice goes with its folder and its line. */
export async function registerArtifactRoutes(app: App, deps: ArtifactRoutesDeps): Promise<void> {
  const { artifacts, content, policies, now, loadArtifact, db } = deps;
  await app.register(uploadArtifactRoute, { artifacts, content, policies, now });
  await app.register(registerExternalRoute, { artifacts, now });
  await app.register(getArtifactRoute, { loadArtifact });
  await app.register(downloadRoutes, { loadArtifact, content, db });
  await app.register(traceRoute, { loadArtifact });
}
