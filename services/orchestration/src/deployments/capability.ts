import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { EventStore } from '@railyard/eventstore';
import type { DurableConsumer } from '@railyard/messaging';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod, Logger } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { createGrantLedger } from '../grants/grant-ledger.js';
import { type MigrationGuard, noMigrations, noPlans, type WaveGate } from '../rollout-ports.js';
import { deploymentCallbacksRoute } from './callbacks/route.js';
import type { DeploymentListDb } from './deployment-list/projection.js';
import { deploymentListRoute } from './deployment-list/route.js';
import { createDeploymentCommands } from './deployment-store.js';
import type { DeploymentDriver } from './driver/driver.js';
import { createDeploymentExecutor, type DeploymentExecutor } from './execution/executor.js';
import { createDeploymentScheduler, type DeploymentScheduler } from './execution/scheduler.js';
import { getDeploymentRoute } from './get-deployment/route.js';
import { promoteDeploymentRoute } from './promote/route.js';
import { createDeploymentRequestsConsumer } from './request-deployment/consumer.js';
import { type CheckInputs, type DeploymentProfile, NO_PROFILE } from './request-deployment/run-checks.js';
import { createRunTriggersConsumer } from './request-deployment/run-triggers.js';
import { createRollbackTriggersConsumer } from './rollback/consumer.js';
import {
  createDeploymentControl,
  type DeploymentControlWithMetrics,
  type FlagStates,
} from './rollback/deployment-control.js';
import { rollbackDeploymentRoute } from './rollback/route.js';

export interface DeploymentCapabilityDeps {
  store: EventStore;
  /** The service's pool: the consumers' inboxes and the scheduler's lease. */
  pool: pg.Pool;
  db: Kysely<DeploymentListDb>;
  /** The deployment-list projection's runner (lag headers of GET /deployments). */
  runner: ProjectionRunner;
  now: () => Date;
  logger: Logger;
  /** Flag states for the pre-rollback snapshot (the service's FlagSnapshot). */
  flags: FlagStates;
  /** Part 1's check inputs, as `POST /deployments/check` gets them. */
  checks: CheckInputs;
  driver: DeploymentDriver;
  /** Verifies the deploy agent's callbacks (Standard Webhooks secret). */
  callbackSecret: string;
  /** How long a pause or keep "minute" lasts (60 000 in production). */
  minuteMs: number;
  /** How long blue-green keeps the old version after the switch. */
  keepMinutes: number;
  /** The scheduler's pace; false: only when `scheduler.tick()` is called. */
  schedulerIntervalMs: number | false;
  /** The plans' admission of a deployment into its wave (default: no plans, start at once). */
  waveGate?: WaveGate;
  /** The plans' migrations, asked before a rollback (default: every rollback allowed). */
  migrations?: MigrationGuard;
  /** Team, demand and datasets per service for the quota and data-policy checks (default: none). */
  profileOf?: (service: string) => DeploymentProfile;
  /** A step with no callback after this long is re-sent (default 30 s). */
  resendAfterMs?: number;
}

export interface DeploymentBus {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
}

export interface DeploymentCapability {
  /** GET /deployments, GET /deployments/:id, POST /deployments/:id/rollback, POST /deployments/:id/promote, POST /deployments/callbacks. */
  routes: FastifyPluginAsyncZod;
  /** For the plans (release a waiting deployment, roll one back) and the manual route. */
  control: DeploymentControlWithMetrics;
  executor: DeploymentExecutor;
  scheduler: DeploymentScheduler;
  /**
   * `orchestration--deployment-requests`, `orchestration--rollback-triggers` and `orchestration--run-triggers` (who
   * triggered each run, for the requester's grant), created, not started.
   */
  consumers(bus: DeploymentBus): DurableConsumer[];
}

/**
 * One deployment of one service (issue 11: O7, R1, and deployments from pipeline), as one unit the composition root
 * wires: its routes, its DeploymentControl for the plans, its scheduler and its two durable consumers. The plans
 * come in through WaveGate and MigrationGuard (rollout-ports.ts); without them every deployment starts at once
 * and every rollback is allowed.
 */
export function createDeploymentCapability(deps: DeploymentCapabilityDeps): DeploymentCapability {
  const { store, now, logger } = deps;
  const commands = createDeploymentCommands(store);
  // The grant ledger in this service's schema, kept by grantLedgerConsumers (runtime.ts).
  const grants = createGrantLedger(deps.pool);
  const stepOptions = { keepMinutes: deps.keepMinutes };
  const executor = createDeploymentExecutor({
    store,
    commands,
    driver: deps.driver,
    now,
    minuteMs: deps.minuteMs,
    logger,
    resendAfterMs: deps.resendAfterMs,
  });
  const control = createDeploymentControl({
    store,
    commands,
    executor,
    migrations: deps.migrations ?? noMigrations,
    flags: deps.flags,
    driverName: deps.driver.name,
    stepOptions,
  });
  const scheduler = createDeploymentScheduler({
    pool: deps.pool,
    executor,
    intervalMs: deps.schedulerIntervalMs || 1000,
    logger,
    async active() {
      const rows = await deps.db
        .selectFrom('orchestration.deployments')
        .select('deployment_id')
        .where('status', 'in', ['running', 'rolling-back'])
        .execute();
      return rows.map((r) => r.deployment_id);
    },
  });
  const routes: FastifyPluginAsyncZod = async (app) => {
    await app.register(deploymentListRoute, { db: deps.db, runner: deps.runner });
    await app.register(getDeploymentRoute, { store });
    await app.register(rollbackDeploymentRoute, { store, control, grants, now });
    await app.register(promoteDeploymentRoute, { store, control, grants, now });
    await app.register(deploymentCallbacksRoute, {
      store,
      commands,
      executor,
      secret: deps.callbackSecret,
      now,
      logger,
    });
  };
  return {
    routes,
    control,
    executor,
    scheduler,
    consumers(bus) {
      const common = { ...bus, store, pool: deps.pool, logger };
      return [
        createDeploymentRequestsConsumer({
          ...common,
          commands,
          checks: deps.checks,
          waveGate: deps.waveGate ?? noPlans,
          executor,
          driverName: deps.driver.name,
          stepOptions,
          profileOf: deps.profileOf ?? (() => NO_PROFILE),
          grants,
          sql: deps.pool,
          now,
        }),
        createRollbackTriggersConsumer({ ...common, control, now }),
        createRunTriggersConsumer(common),
      ];
    },
  };
}
