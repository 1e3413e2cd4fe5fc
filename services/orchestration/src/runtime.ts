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
import { createBookingCommands, loadBookingCalendar } from './bookings/booking-store.js';
import { bookingLifecycleWork } from './bookings/lifecycle-work.js';
import { loadDatasetViews } from './data-policy/dataset-store.js';
import type { DeploymentCapability } from './deployments/capability.js';
import { type DeploymentListDb, deploymentListProjection } from './deployments/deployment-list/projection.js';
import { type DeploymentRuntimeOptions, startDeployments } from './deployments/start-deployments.js';
import { type EnvironmentListDb, environmentListProjection } from './environments/environment-list/projection.js';
import { createEnvironmentCommands, loadEnvironment } from './environments/environment-store.js';
import { environmentLifecycleWork } from './environments/lifecycle-work.js';
import { servedDefinition } from './flags/domain/flag-set.js';
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
import { loadQuota } from './quotas/quota-store.js';
import { quotaUseProjection } from './quotas/quota-use/projection.js';
import type { DeploymentControl } from './rollout-ports.js';
import { type WindowCalendarDb, windowCalendarProjection } from './windows/window-calendar/projection.js';
import { windowInputsReader } from './windows/window-calendar/read-windows.js';

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
  /** Deployments (O7, R1): the deploy agent, secrets, time scale; without it, the development defaults. */
  deployments?: DeploymentRuntimeOptions;
  /** The JetStream stream capturing `<prefix>.>` (default: derived from the prefix). */
  busStream?: string;
  /** How long a minute lasts for plans (ORCHESTRATION_MINUTE_MS; default 60 000). */
  minuteMs?: number;
  /** Plans' tests only: a DeploymentControl that stands in for the deployments capability. */
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
  /** One deployment of one service: its control for the plans, executor, scheduler. */
  deployments: DeploymentCapability;
  /** Rollout plans: the WaveGate and MigrationGuard for deployments, and the plans' workers. */
  plans: PlanCapability & { workers: PlanWorkers };
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/** The reference deploy agent's defaults on loopback (see tools/deploy-agent), for a developer machine. */
const DEVELOPMENT_DEPLOYMENTS: DeploymentRuntimeOptions = {
  agentUrl: 'http://127.0.0.1:4190',
  agentSecret: 'whsec_ZGV2LWFnZW50LXJlcXVlc3Qtc2VjcmV0',
  callbackSecret: 'whsec_ZGV2LWFnZW50LWNhbGxiYWNrLXNlY3JldA==',
  callbackUrl: 'http://127.0.0.1:4104/deployments/callbacks',
};

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
      deployments: await startServiceProjection({ ...deploymentListProjection, store, db }, logger, closers),
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
    // Plans and deployments each need the other (rollout-ports.ts): plans get a control that forwards to the
    // deployments capability once it exists, deployments get the plans' WaveGate and MigrationGuard.
    let deploymentControl: DeploymentControl | undefined;
    const control: DeploymentControl = {
      release: (id, ctx) => {
        if (!deploymentControl) throw new Error('deployments are not started yet');
        return deploymentControl.release(id, ctx);
      },
      rollback: (id, trigger, ctx) => {
        if (!deploymentControl) throw new Error('deployments are not started yet');
        return deploymentControl.rollback(id, trigger, ctx);
      },
      promote: (id, ctx, promotion) => {
        if (!deploymentControl) throw new Error('deployments are not started yet');
        return deploymentControl.promote(id, ctx, promotion);
      },
    };
    const planCapability = createPlanCapability({
      store,
      db: db as unknown as Kysely<PlanDb>,
      control: options.deploymentControl ?? control,
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
    const deployments = await startDeployments(
      {
        ...(options.deployments ?? DEVELOPMENT_DEPLOYMENTS),
        waveGate: planCapability.waveGate,
        migrations: planCapability.migrationGuard,
      },
      {
        store,
        pool,
        db: db as unknown as Kysely<DeploymentListDb>,
        runner: runners.deployments,
        now,
        logger,
        // What each flag serves now (a killed flag serves its off variant), for the pre-rollback snapshot.
        flags: {
          list: () =>
            flags.list().map((f) => {
              const served = servedDefinition(f);
              return { key: f.key, state: served.state, defaultVariant: served.defaultVariant };
            }),
        },
        checks: {
          readWindows: windowInputsReader(db as unknown as Kysely<WindowCalendarDb>),
          loadEnvironment,
          loadBookings: loadBookingCalendar,
          loadDatasets: loadDatasetViews,
          loadQuota,
        },
        nats: options.nats,
        subjectPrefix: options.subjectPrefix,
        busStream: options.busStream,
        closers,
      },
    );
    deploymentControl = deployments.control;
    const workers = planCapability.startWorkers({ pool, schedulerIntervalMs: options.schedulerIntervalMs ?? 30_000 });
    closers.add('plan workers', () => workers.stop());
    const plans = Object.assign(planCapability, { workers });
    const app = await buildOrchestrationApp({
      store,
      db,
      runners,
      flags,
      deployments: deployments.routes,
      plans,
      auth: options.auth,
      logger,
      now,
      readiness: { store: () => store.ping(), flags: flags.readiness, ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, db, runners, relay, scheduler, flags, deployments, plans, close };
  } catch (error) {
    await close();
    throw error;
  }
}
