import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@railyard/eventstore';
import type { Relay } from '@railyard/messaging';
import { createDb, migrateSchema } from '@railyard/readmodels';
import { type App, type AuthConfig, createClosers, type Logger, type ReadinessCheck } from '@railyard/service-kit';
import { startServiceProjection, startServiceRelay, startStoreUpkeep } from '@railyard/service-kit/backbone';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { orchestrationMigrations } from '../migrations/index.js';
import { buildOrchestrationApp, type OrchestrationDb, type OrchestrationRunners } from './app.js';
import { type BookingListDb, bookingListProjection } from './bookings/booking-list/projection.js';
import { createBookingCommands } from './bookings/booking-store.js';
import { bookingLifecycleWork } from './bookings/lifecycle-work.js';
import { type EnvironmentListDb, environmentListProjection } from './environments/environment-list/projection.js';
import { createEnvironmentCommands } from './environments/environment-store.js';
import { environmentLifecycleWork } from './environments/lifecycle-work.js';
import { FlagSnapshot } from './flags/flag-snapshot.js';
import { createLifecycleScheduler, type LifecycleScheduler } from './lifecycle/scheduler.js';
import { quotaUseProjection } from './quotas/quota-use/projection.js';
import { windowCalendarProjection } from './windows/window-calendar/projection.js';

export interface OrchestrationRuntimeOptions {
  store: EventStore;
  /** The service's database: read models, relay checkpoint. Owned by the caller. */
  pool: pg.Pool;
  auth: AuthConfig;
  logger: Logger;
  /** The bus; without it no relay runs (tests of the HTTP slices alone). */
  nats?: NatsConnection;
  subjectPrefix?: string;
  /** How often the Postgres log is sealed; false: no sealer in this process. */
  sealIntervalMs?: number | false;
  readiness?: Record<string, ReadinessCheck>;
  /** The clock every command and the scheduler read: tests move it instead of sleeping. */
  now?: () => Date;
  /** How often the lifecycle scheduler runs (default 30 s); false: only when `scheduler.tick()` is called. */
  schedulerIntervalMs?: number | false;
}

export interface OrchestrationRuntime {
  app: App;
  db: Kysely<OrchestrationDb>;
  runners: OrchestrationRunners;
  relay?: Relay;
  scheduler: LifecycleScheduler;
  /** The in-memory flag set OFREP answers from. */
  flags: FlagSnapshot;
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * The orchestration service's moving parts, wired once for main() and the integration tests: migrations, the
 * relay to NATS, the projections, the lifecycle scheduler (E4), the sealer and the HTTP app.
 */
export async function startOrchestrationRuntime(options: OrchestrationRuntimeOptions): Promise<OrchestrationRuntime> {
  const { store, pool, logger } = options;
  const closers = createClosers(logger);
  const close = () => closers.close();
  try {
    // The db shares the caller's pool; it is never destroyed here, since destroying it would end that pool.
    const db = createDb<OrchestrationDb>(pool);
    await migrateSchema(db, { schema: 'orchestration', migrations: orchestrationMigrations });
    let relay: Relay | undefined;
    if (options.nats) {
      relay = await startServiceRelay(
        { store, pool, nats: options.nats, service: 'orchestration', subjectPrefix: options.subjectPrefix },
        logger,
        closers,
      );
    }
    const runners: OrchestrationRunners = {
      environments: await startServiceProjection({ ...environmentListProjection, store, db }, logger, closers),
      bookings: await startServiceProjection({ ...bookingListProjection, store, db }, logger, closers),
      quotas: await startServiceProjection({ ...quotaUseProjection, store, db }, logger, closers),
      windows: await startServiceProjection({ ...windowCalendarProjection, store, db }, logger, closers),
    };
    startStoreUpkeep(store, { sealIntervalMs: options.sealIntervalMs }, logger, closers);
    // Every replica keeps its own flag snapshot (no lease): OFREP answers from memory wherever it lands.
    const flags = new FlagSnapshot(store, logger);
    flags.start();
    closers.add('flag snapshot', () => flags.stop());
    const now = options.now ?? (() => new Date());
    const scheduler = createLifecycleScheduler({
      work: {
        ...environmentLifecycleWork(db as unknown as Kysely<EnvironmentListDb>, createEnvironmentCommands(store)),
        ...bookingLifecycleWork(db as unknown as Kysely<BookingListDb>, createBookingCommands(store)),
      },
      now,
      intervalMs: options.schedulerIntervalMs || 30_000,
      logger,
    });
    // Without an interval the scheduler only runs when tick() is called (tests move the clock, then tick).
    if (options.schedulerIntervalMs !== false) scheduler.start();
    closers.add('lifecycle scheduler', () => scheduler.stop());
    const app = await buildOrchestrationApp({
      store,
      db,
      runners,
      flags,
      auth: options.auth,
      logger,
      now,
      readiness: { store: () => store.ping(), flags: flags.readiness, ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, db, runners, relay, scheduler, flags, close };
  } catch (error) {
    await close();
    throw error;
  }
}
