import { createMemoryEventStore } from '@railyard/eventstore';
import { buildOrchestrationApp, type OrchestrationDeps } from '@railyard/orchestration/app';
import { createDeploymentCapability } from '@railyard/orchestration/deployments';
import { FlagSnapshot } from '@railyard/orchestration/flag-snapshot';
import { createPlanCapability } from '@railyard/orchestration/plans';
import { createLogger } from '@railyard/service-kit';
import { idleRunner, neverConnectedDb, openApiOf, untouched } from './idle-deps.js';

/**
 * The orchestration service's OpenAPI document, from the app itself: an in-memory store and a Kysely over a pool
 * that never connects (the docs build only reads route schemas).
 */
export async function orchestrationOpenApi(): Promise<Record<string, unknown>> {
  const db: OrchestrationDeps['db'] = neverConnectedDb();
  const store = createMemoryEventStore();
  const logger = createLogger({ name: 'orchestration', level: 'silent' });
  const deployments = createDeploymentCapability({
    store,
    pool: untouched('pool'),
    // Kysely's database type is invariant: the capability sees the schema through its own table.
    db: db as never,
    runner: idleRunner('deployment-list'),
    now: () => new Date(),
    logger,
    flags: untouched('flags'),
    checks: untouched('checks'),
    driver: { name: 'webhook', send: untouched('driver') },
    callbackSecret: `whsec_${Buffer.from('docs-gen-never-verifies').toString('base64')}`,
    minuteMs: 60_000,
    keepMinutes: 30,
    schedulerIntervalMs: false,
  });
  const app = await buildOrchestrationApp({
    store,
    db,
    runners: {
      environments: idleRunner('environment-list'),
      bookings: idleRunner('booking-list'),
      quotas: idleRunner('quota-use'),
      windows: idleRunner('window-calendar'),
      deployments: idleRunner('deployment-list'),
      plans: idleRunner('plan-list'),
      runningVersions: idleRunner('running-versions'),
    },
    flags: new FlagSnapshot(store, logger),
    deployments: deployments.routes,
    plans: createPlanCapability({
      store,
      db: db as unknown as Parameters<typeof createPlanCapability>[0]['db'],
      control: { release: async () => {}, rollback: async () => {}, promote: async () => {} },
      now: () => new Date(),
      minuteMs: 60_000,
      environmentExists: async () => false,
      environmentServices: async () => new Set(),
      logger,
    }),
    auth: {},
    logger,
  });
  return openApiOf(app, db);
}
