import type { ProjectionRunner } from '@railyard/readmodels';
import type { App } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type { ArtifactHandler } from '../artifacts/domain/artifact-identity.js';
import type { ArtifactCatalogDb } from '../catalog/projection.js';
import type { ContentStore } from '../content/content-store.js';
import type { ArtifactPolicies } from '../policies.js';
import { legalHoldRoutes } from './legal-hold/route.js';
import { retentionReportRoute } from './report/route.js';
import { sweepRoute } from './sweep/route.js';

/** What the retention capability (A5) is given; each route takes only what it uses. */
export interface RetentionRoutesDeps {
  artifacts: ArtifactHandler;
  content: ContentStore;
  db: Kysely<ArtifactCatalogDb>;
  catalog: ProjectionRunner;
  policies: Pick<ArtifactPolicies, 'retention'>;
  now: () => Date;
}

/** The retention capability's routes: one line a slice. */
export async function registerRetentionRoutes(app: App, deps: RetentionRoutesDeps): Promise<void> {
  const { artifacts, now, db, catalog, policies, content } = deps;
  await app.register(legalHoldRoutes, { artifacts, now });
  await app.register(retentionReportRoute, { db, catalog, policies, now });
  await app.register(sweepRoute, { artifacts, content, db, policies, now });
}
