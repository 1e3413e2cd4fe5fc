import { environmentStream } from '@railyard/contracts';
import type { Relay } from '@railyard/messaging';
import type { App, ServiceRuntimeBase } from '@railyard/service-kit';
import { startServiceRuntime } from '@railyard/service-kit/backbone';
import { grantLedgerConsumers } from '@railyard/service-kit/grants';
import type { Kysely } from 'kysely';
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
import { createLeadRotationsConsumer } from './on-call/consumer.js';
import { onCallLeadOf } from './on-call/on-call-lead.js';
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

export interface OrchestrationRuntimeOptions extends ServiceRuntimeBase {
  /** How often the lifecycle scheduler runs (default 30 s); false: only when `scheduler.tick()` is called. */
  schedulerIntervalMs?: number | false;
  /** Deployments (O7, R1): the deploy agent, secrets, time scale; without it, the development defaults. */
  deployments?: DeploymentRuntimeOptions;
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

type Projections = keyof OrchestrationRunners;

interface OrchestrationParts {
  scheduler: LifecycleScheduler;
  flags: FlagSnapshot;
  deployments: DeploymentCapability;
  plans: PlanCapability & { workers: PlanWorkers };
}

/**
 * The orchestration service's moving parts, wired by the kit's runtime for main() and the integration tests: its
 * schema, the projections, the flag snapshot, the lifecycle scheduler (E4), the deployments capability and the
 * plans' workers, and the HTTP app (the relay and sealer come with the kit).
 */
export async function startOrchestrationRuntime(options: OrchestrationRuntimeOptions): Promise<OrchestrationRuntime> {
  const runtime = await startServiceRuntime<OrchestrationDb, Projections, OrchestrationParts>({
    ...options,
    service: 'orchestration',
    migrations: orchestrationMigrations,
    projections: {
      environments: environmentListProjection,
      bookings: bookingListProjection,
      quotas: quotaUseProjection,
      windows: windowCalendarProjection,
      deployments: deploymentListProjection,
      plans: planListProjection,
      runningVersions: runningVersionsProjection,
    },
    async parts({ store, pool, db, logger, now, projections, onClose }) {
      // Every replica keeps its own flag snapshot (no lease): OFREP answers from memory wherever it lands.
      const flags = new FlagSnapshot(store, logger);
      flags.start();
      onClose('flag snapshot', () => flags.stop());
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
      onClose('lifecycle scheduler', () => scheduler.stop());
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
        onCallLead: onCallLeadOf(db as unknown as Kysely<unknown>),
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
          runner: projections.deployments,
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
          onClose,
        },
      );
      deploymentControl = deployments.control;
      const workers = planCapability.startWorkers({ pool, schedulerIntervalMs: options.schedulerIntervalMs ?? 30_000 });
      onClose('plan workers', () => workers.stop());
      const plans = Object.assign(planCapability, { workers });
      return { scheduler, flags, deployments, plans };
    },
    // The deployments' durable consumers, started by the kit once the plans' workers run, and the grant ledger's
    // two (`orchestration--grants`, `orchestration--environment-tiers`) that deployments to prod are checked on, and the
    // rotation turns that give a plan without a lead its on-call lead.
    consumers: ({ js, jsm, stream, subjectPrefix }, { parts, store, pool, logger }) => [
      ...parts.deployments.consumers({ js, jsm, stream, subjectPrefix }),
      ...grantLedgerConsumers({
        service: 'orchestration',
        schema: 'orchestration',
        store,
        js,
        jsm,
        pool,
        stream,
        subjectPrefix,
        logger,
      }),
      createLeadRotationsConsumer({ store, js, jsm, pool, stream, subjectPrefix, logger }),
    ],
    buildApp: ({ store, db, projections, now, parts, kit }) =>
      buildOrchestrationApp({
        ...kit,
        store,
        db,
        runners: projections,
        flags: parts.flags,
        deployments: parts.deployments.routes,
        plans: parts.plans,
        now,
        readiness: { store: () => store.ping(), flags: parts.flags.readiness, ...kit.readiness },
      }),
  });
  return { ...runtime, runners: runtime.projections, ...runtime.parts };
}
