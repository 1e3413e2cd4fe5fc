import type { NatsConnection } from '@nats-io/transport-node';
import { environmentStream } from '@railyard/contracts';
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
import type { PlanDb } from './plans/capability.js';
import {
  createPlanCapability,
  type PlanCapability,
  type PlanWorkers,
  planListProjection,
  runningVersionsProjection,
} from './plans/capability.js';
import { quotaUseProjection } from './quotas/quota-use/projection.js';
import type { DeploymentControl } from './rollout-ports.js';
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
  /** How long a minute lasts for plans (ORCHESTRATION_MINUTE_MS; default 60 000). */
  minuteMs?: number;
  /** Deployments' side of the seam (rollout-ports.ts); until it is wired, plans only log what they would ask. */
  deploymentControl?: DeploymentControl;
}

export interface OrchestrationRuntime {
  app: App;
  db: Kysely<OrchestrationDb>;
  runners: OrchestrationRunners;
  relay?: Relay;
  scheduler: LifecycleScheduler;
  /** The in-memory flag set OFREP answers from. */
  flags: FlagSnapshot;
  /** Rollout plans: the WaveGate and MigrationGuard for deployments, and the plans' workers. */
  plans: PlanCapability & { workers: PlanWorkers };
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
      plans: await startServiceProjection({ ...planListProjection, store, db }, logger, closers),
      runningVersions: await startServiceProjection({ ...runningVersionsProjection, store, db }, logger, closers),
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
    const planCapability = createPlanCapability({
      store,
      db: db as unknown as Kysely<PlanDb>,
      control: options.deploymentControl ?? unwiredDeploymentControl(logger),
      now,
      minuteMs: options.minuteMs ?? 60_000,
      environmentExists: async (name) => (await store.readStream(environmentStream(name), { limit: 1 })).length > 0,
      environmentServices: async () =>
        new Set(
          (await db.selectFrom('orchestration.environments').select('service').distinct().execute()).map(
            (r) => r.service,
          ),
        ),
      logger,
    });
    const workers = planCapability.startWorkers({ pool, schedulerIntervalMs: options.schedulerIntervalMs ?? 30_000 });
    closers.add('plan workers', () => workers.stop());
    const plans = Object.assign(planCapability, { workers });
    const app = await buildOrchestrationApp({
      store,
      db,
      runners,
      flags,
      plans,
      auth: options.auth,
      logger,
      now,
      readiness: { store: () => store.ping(), flags: flags.readiness, ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, db, runners, relay, scheduler, flags, plans, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Until deployments are wired in (the lead's merge), a plan's requests are logged, not acted on. */
function unwiredDeploymentControl(logger: Logger): DeploymentControl {
  return {
    release: async (deploymentId) => logger.warn({ deploymentId }, 'no DeploymentControl wired: release not sent'),
    rollback: async (deploymentId) => logger.warn({ deploymentId }, 'no DeploymentControl wired: rollback not sent'),
  };
}
