import { createMemoryEventStore } from '@railyard/eventstore';
import { buildPlanningApp, type PlanningDeps } from '@railyard/planning/app';
import { createLogger } from '@railyard/service-kit';
import { idleRunner, neverConnectedDb, openApiOf } from './idle-deps.js';

/** The planning service's OpenAPI document, from the app itself, built on idle dependencies. */
export async function planningOpenApi(): Promise<Record<string, unknown>> {
  const db: PlanningDeps['db'] = neverConnectedDb();
  const app = await buildPlanningApp({
    store: createMemoryEventStore(),
    db,
    releaseList: idleRunner('release-list'),
    boards: idleRunner('release-boards'),
    auth: {},
    logger: createLogger({ name: 'planning', level: 'silent' }),
  });
  return openApiOf(app, db);
}
