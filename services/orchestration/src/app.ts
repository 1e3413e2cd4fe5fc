import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import { type App, type AppDeps, buildApp, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type { BookingListDb } from './bookings/booking-list/projection.js';
import { createBookingCommands, loadBookingCalendar } from './bookings/booking-store.js';
import { registerBookingRoutes } from './bookings/routes.js';
import { loadDatasetViews } from './data-policy/dataset-store.js';
import { registerDataPolicyRoutes } from './data-policy/routes.js';
import { checkDeploymentRoute } from './deployments/check-deployment/route.js';
import type { DeploymentListDb } from './deployments/deployment-list/projection.js';
import type { EnvironmentListDb } from './environments/environment-list/projection.js';
import { loadEnvironment } from './environments/environment-store.js';
import { registerEnvironmentRoutes } from './environments/routes.js';
import type { FlagSnapshot } from './flags/flag-snapshot.js';
import { registerFlagRoutes } from './flags/routes.js';
import type { PlanCapability, PlanDb } from './plans/capability.js';
import { loadQuota } from './quotas/quota-store.js';
import type { QuotaUseDb } from './quotas/quota-use/projection.js';
import { registerQuotaRoutes } from './quotas/routes.js';
import { registerWindowRoutes } from './windows/routes.js';
import type { WindowCalendarDb } from './windows/window-calendar/projection.js';
import { windowInputsReader } from './windows/window-calendar/read-windows.js';

export const SERVICE_NAME = 'orchestration';
export const SERVICE_VERSION = '0.1.0';

/** The orchestration schema's read-model tables. */
export type OrchestrationDb = EnvironmentListDb &
  BookingListDb &
  QuotaUseDb &
  WindowCalendarDb &
  DeploymentListDb &
  PlanDb;

/** The projection runners the list and report routes read through (and report the lag of). */
export interface OrchestrationRunners {
  environments: ProjectionRunner;
  bookings: ProjectionRunner;
  quotas: ProjectionRunner;
  windows: ProjectionRunner;
  deployments: ProjectionRunner;
  plans: ProjectionRunner;
  runningVersions: ProjectionRunner;
}

export interface OrchestrationDeps extends Omit<AppDeps, 'serviceName' | 'version'> {
  store: EventStore;
  db: Kysely<OrchestrationDb>;
  runners: OrchestrationRunners;
  /** The in-memory flag set OFREP evaluates against (kept current by the runtime). */
  flags: FlagSnapshot;
  /** The deployment capability's routes (createDeploymentCapability): built by the runtime with its workers. */
  deployments?: FastifyPluginAsyncZod;
  /** Rollout plans (O1, O2, O5, O6): built by the runtime, which hands its WaveGate to deployments. */
  plans?: PlanCapability;
  now?: () => Date;
}

/**
 * The orchestration service's HTTP API. Never listens: main() does, tests inject. Each capability registers its
 * own routes with the narrow dependencies they use; there is no service-wide command hub. Where one capability
 * needs another's answer (a booking needs the environment's tier and the datasets' policy view), the function is
 * handed over here, so the slice imports no other capability.
 */
export async function buildOrchestrationApp(deps: OrchestrationDeps): Promise<App> {
  const { store, db, runners, flags, deployments, plans, now = () => new Date(), ...kit } = deps;
  const app = await buildApp({ ...kit, serviceName: SERVICE_NAME, version: SERVICE_VERSION });
  // Kysely's database type is invariant: each capability sees the schema through its own tables.
  await registerEnvironmentRoutes(app, {
    store,
    db: db as unknown as Kysely<EnvironmentListDb>,
    runner: runners.environments,
    now,
  });
  await registerDataPolicyRoutes(app, { store, now });
  await registerFlagRoutes(app, { store, snapshot: flags, now });
  await registerBookingRoutes(app, {
    store,
    commands: createBookingCommands(store),
    db: db as unknown as Kysely<BookingListDb>,
    runner: runners.bookings,
    now,
    loadEnvironment,
    loadDatasets: loadDatasetViews,
  });
  await registerQuotaRoutes(app, { store, db: db as unknown as Kysely<QuotaUseDb>, runner: runners.quotas, now });
  const readWindows = windowInputsReader(db as unknown as Kysely<WindowCalendarDb>);
  await registerWindowRoutes(app, {
    store,
    runner: runners.windows,
    now,
    readWindows,
    environmentFacts: async (s, name) => (await loadEnvironment(s, name)).environment,
  });
  await app.register(checkDeploymentRoute, {
    store,
    now,
    readWindows,
    loadEnvironment,
    loadBookings: loadBookingCalendar,
    loadDatasets: loadDatasetViews,
    loadQuota,
  });
  if (deployments) await app.register(deployments);
  if (plans) await plans.register(app, runners.plans);
  return app;
}
