import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type { EnvironmentListDb } from './environment-list/projection.js';
import { environmentListRoute } from './environment-list/route.js';
import { createEnvironmentCommands } from './environment-store.js';
import { getDriftRoute } from './get-drift/route.js';
import { getEnvironmentRoute } from './get-environment/route.js';
import { parityRoute } from './parity/route.js';
import { registerEnvironmentRoute } from './register-environment/route.js';
import { reportActualConfigRoute } from './report-actual-config/route.js';

/** The environments capability (E1): each route gets only what it uses. */
export async function registerEnvironmentRoutes(
  app: App,
  deps: { store: EventStore; db: Kysely<EnvironmentListDb>; runner: ProjectionRunner; now: () => Date },
) {
  const { store, db, runner, now } = deps;
  const commands = createEnvironmentCommands(store);
  await app.register(registerEnvironmentRoute, { commands, store, now });
  await app.register(reportActualConfigRoute, { commands, store, now });
  await app.register(getEnvironmentRoute, { store });
  await app.register(getDriftRoute, { store });
  await app.register(environmentListRoute, { db, runner });
  await app.register(parityRoute, { db, runner });
}
