import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App } from '@railyard/service-kit';
import type pg from 'pg';
import type { AccessReviewCommands, GrantCommands } from './access-store.js';
import { closeAccessReviewRoute } from './close-access-review/route.js';
import { decideReviewItemRoute } from './decide-review-item/route.js';
import { getAccessReviewRoute } from './get-access-review/route.js';
import { getGrantRoute } from './get-grant/route.js';
import { grantListRoute } from './grant-list/route.js';
import { issueGrantRoute } from './issue-grant/route.js';
import { openAccessReviewRoute } from './open-access-review/route.js';
import { revokeGrantRoute } from './revoke-grant/route.js';
import { staleGrantsRoute } from './stale-grants/route.js';
import { whoCouldRoute } from './who-could/route.js';

export interface AccessDeps {
  store: EventStore;
  pool: pg.Pool;
  grants: GrantCommands;
  reviews: AccessReviewCommands;
  now: () => Date;
  /** The access projection's runner, for the list's lag headers. */
  runner?: ProjectionRunner;
}

/** The access capability (G2): grants, who-could, stale privileges, review campaigns. */
export async function registerAccessRoutes(app: App, deps: AccessDeps) {
  const { store, pool, grants, reviews, now } = deps;
  await app.register(issueGrantRoute, { grants, pool, now });
  await app.register(revokeGrantRoute, { grants, now });
  await app.register(getGrantRoute, { store, now });
  await app.register(grantListRoute, { pool, now, runner: deps.runner });
  await app.register(whoCouldRoute, { pool, now });
  await app.register(staleGrantsRoute, { pool, now });
  await app.register(openAccessReviewRoute, { reviews, pool, now });
  await app.register(decideReviewItemRoute, { store, reviews, now });
  await app.register(getAccessReviewRoute, { store, now });
  await app.register(closeAccessReviewRoute, { store, grants, reviews, now });
}
