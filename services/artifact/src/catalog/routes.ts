import type { ProjectionRunner } from '@railyard/readmodels';
import type { App } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { artifactListRoute } from './artifact-list/route.js';
import type { ArtifactCatalogDb } from './projection.js';
import { stagePromotionsRoute } from './stage-promotions/route.js';

/** What the catalog capability (lists over the read model) is given. */
export interface CatalogRoutesDeps {
  db: Kysely<ArtifactCatalogDb>;
  catalog: ProjectionRunner;
}

/** The catalog capability's routes: one line a slice. */
export async function registerCatalogRoutes(app: App, deps: CatalogRoutesDeps): Promise<void> {
  await app.register(artifactListRoute, deps);
  await app.register(stagePromotionsRoute, deps);
}
