import type { EventStore } from '@railyard/eventstore';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import type pg from 'pg';
import { registerDoraRoutes } from './dora/routes.js';
import { registerDrillRoutes } from './drills/routes.js';
import { createIncidentCommands } from './incidents/incident-commands.js';
import { registerIncidentRoutes } from './incidents/routes.js';
import { assignTeamRoute } from './ownership/assign-team/route.js';
import { registerRotationRoutes } from './rotations/routes.js';

export const SERVICE_NAME = 'governance';
export const SERVICE_VERSION = '0.1.0';

export interface GovernanceDeps extends Omit<AppDeps, 'serviceName' | 'version'> {
  store: EventStore;
  /** The service's database: the reporting facts the DORA figures and link checks read. */
  pool: pg.Pool;
  now?: () => Date;
}

/** The governance service's HTTP API. Never listens: main() does, tests inject. */
export async function buildGovernanceApp(deps: GovernanceDeps): Promise<App> {
  const { store, pool, now = () => new Date(), ...kit } = deps;
  const app = await buildApp({ ...kit, serviceName: SERVICE_NAME, version: SERVICE_VERSION });
  await registerIncidentRoutes(app, { store, pool, commands: createIncidentCommands(store), now });
  await registerDoraRoutes(app, { pool, now });
  await app.register(assignTeamRoute, { store, now });
  await registerDrillRoutes(app, { store, pool, now });
  await registerRotationRoutes(app, { store, pool, now });
  return app;
}
