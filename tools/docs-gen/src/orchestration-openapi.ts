import { createMemoryEventStore } from '@railyard/eventstore';
import { buildOrchestrationApp, type OrchestrationDeps } from '@railyard/orchestration/app';
import { createLogger } from '@railyard/service-kit';
import { idleRunner, neverConnectedDb, openApiOf } from './idle-deps.js';

/**
 * The orchestration service's OpenAPI document, from the app itself: an in-memory store and a Kysely over a pool
 * that never connects (the docs build only reads route schemas).
 */
export async function orchestrationOpenApi(): Promise<Record<string, unknown>> {
  const db: OrchestrationDeps['db'] = neverConnectedDb();
  const app = await buildOrchestrationApp({
    store: createMemoryEventStore(),
    db,
    runners: {
      environments: idleRunner('environment-list'),
      bookings: idleRunner('booking-list'),
    },
    auth: {},
    logger: createLogger({ name: 'orchestration', level: 'silent' }),
  });
  return openApiOf(app, db);
}
