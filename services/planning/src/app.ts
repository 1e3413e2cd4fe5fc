import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { addScopeItemRoute } from './releases/add-scope-item/route.js';
import { freezeReleaseRoute } from './releases/freeze-release/route.js';
import { getReleaseRoute } from './releases/get-release/route.js';
import { planReleaseRoute } from './releases/plan-release/route.js';
import { createReleaseCommands } from './releases/release-commands.js';
import type { ReleaseListDb } from './releases/release-list/projection.js';
import { releaseListRoute } from './releases/release-list/route.js';
import { removeScopeItemRoute } from './releases/remove-scope-item/route.js';

export const SERVICE_NAME = 'planning';
export const SERVICE_VERSION = '0.1.0';

export interface PlanningDeps extends Omit<AppDeps, 'serviceName' | 'version'> {
  store: EventStore;
  db: Kysely<ReleaseListDb>;
  releaseList: ProjectionRunner;
  now?: () => Date;
}

/** The planning service's HTTP API. Never listens: main() does, tests inject. */
export async function buildPlanningApp(deps: PlanningDeps): Promise<App> {
  const { store, db, releaseList, now = () => new Date(), ...kit } = deps;
  const app = await buildApp({ ...kit, serviceName: SERVICE_NAME, version: SERVICE_VERSION });
  const routeDeps = { commands: createReleaseCommands(store), store, now };
  await app.register(planReleaseRoute, routeDeps);
  await app.register(getReleaseRoute, routeDeps);
  await app.register(addScopeItemRoute, routeDeps);
  await app.register(removeScopeItemRoute, routeDeps);
  await app.register(freezeReleaseRoute, routeDeps);
  await app.register(releaseListRoute, { db, runner: releaseList });
  return app;
}
