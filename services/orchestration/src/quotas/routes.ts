import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { getQuotaRoute } from './get-quota/route.js';
import { createQuotaCommands } from './quota-store.js';
import type { QuotaUseDb } from './quota-use/projection.js';
import { quotaUseRoute } from './quota-use/route.js';
import { releaseQuotaRoute } from './release-quota/route.js';
import { reserveQuotaRoute } from './reserve-quota/route.js';
import { setQuotaRoute } from './set-quota/route.js';

/** The quotas capability (E5): each route gets only what it uses. */
export async function registerQuotaRoutes(
  app: App,
  deps: { store: EventStore; db: Kysely<QuotaUseDb>; runner: ProjectionRunner; now: () => Date },
) {
  const commands = createQuotaCommands(deps.store);
  await app.register(setQuotaRoute, { commands, now: deps.now });
  await app.register(reserveQuotaRoute, { commands, now: deps.now });
  await app.register(releaseQuotaRoute, { commands, now: deps.now });
  await app.register(getQuotaRoute, { store: deps.store });
  await app.register(quotaUseRoute, { db: deps.db, runner: deps.runner });
}
