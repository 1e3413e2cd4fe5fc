import type { EventCatalogue } from '@railyard/contracts';
import { rolloutPlanEvents, serviceSchemaEvents } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App, Logger } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { createGrantLedger, kyselyGrantSql } from '../grants/grant-ledger.js';
import type { OnCallLead } from '../on-call/on-call-lead.js';
import type { DeploymentControl, MigrationGuard, WaveGate } from '../rollout-ports.js';
import { acknowledgeDecisionRoute } from './acknowledge-decision/route.js';
import { controlPlanRoutes } from './control-plan/route.js';
import { createPlanRoute } from './create-plan/route.js';
import { planDecider } from './domain/plan.decide.js';
import { schemaDecider } from './domain/schema.js';
import { createEscalationScheduler, type EscalationScheduler } from './escalation-scheduler.js';
import { flagSwitches, type PlanFlagSwitches } from './flag-switches.js';
import { getPlanRoute } from './get-plan/route.js';
import { createMigrationGuard } from './migration-guard.js';
import type { PlanDb } from './plan-list/projection.js';
import { planListRoute } from './plan-list/route.js';
import { type PlanProgress, startPlanProgress } from './plan-progress.js';
import { createPlanReconciler } from './plan-reconciler.js';
import { createPlanCommands, createSchemaCommands } from './plan-store.js';
import { recordMigrationRunRoute } from './record-migration-run/route.js';
import { recordRunbookStepRoute } from './record-runbook-step/route.js';
import { registerMigrationRoute } from './register-migration/route.js';
import { rollBackPlanRoute } from './roll-back-plan/route.js';
import { rollbackPlanRoute } from './rollback-plan/route.js';
import { createWaveGate } from './wave-gate.js';

export type { PlanDb } from './plan-list/projection.js';
export { planListProjection } from './plan-list/projection.js';
export { runningVersionsProjection } from './running-versions/projection.js';

export interface PlanCapabilityDeps {
  store: EventStore;
  db: Kysely<PlanDb>;
  /** Deployments' side of the seam (rollout-ports.ts): wired by the composition root. */
  control: DeploymentControl;
  now: () => Date;
  /** How long a plan minute lasts (ORCHESTRATION_MINUTE_MS, default 60 000): tests shorten it. */
  minuteMs: number;
  /** Whether `environment-<name>` exists (environments capability). */
  environmentExists(name: string): Promise<boolean>;
  /** The services of orchestration's environments (environments capability). */
  environmentServices(): Promise<Set<string>>;
  /** Defaults to the flag capability's own commands on the same store. */
  flags?: PlanFlagSwitches;
  /** Who is on call for an environment (on-call capability, G8): the lead of a plan that names none. */
  onCallLead?: OnCallLead;
  logger: Logger;
}

export interface PlanWorkers {
  progress: PlanProgress;
  escalations: EscalationScheduler;
  stop(): Promise<void>;
}

/**
 * The rollout plans capability (O1 plans and waves, O2 migrations, O5 runbooks, O6 leads, the plan side of R1 and
 * flags in rollouts): its routes, the WaveGate and MigrationGuard deployments ask, and its workers (the progress
 * worker that follows deployments from the store, and the escalation scheduler).
 */
export function createPlanCapability(deps: PlanCapabilityDeps) {
  const { store, db, now, minuteMs } = deps;
  const commands = createPlanCommands(store);
  const schemas = createSchemaCommands(store);
  const flags = deps.flags ?? flagSwitches(store);
  const knownServices = async () => {
    const seen = await db.selectFrom('orchestration.running_versions').select('service').distinct().execute();
    return new Set([...(await deps.environmentServices()), ...seen.map((r) => r.service)]);
  };
  // The grant ledger in this service's schema (runtime.ts runs its consumers).
  const grants = createGrantLedger(kyselyGrantSql(db as unknown as Kysely<unknown>));
  const routeDeps = { store, commands, schemas, now, minuteMs, grants };

  return {
    waveGate: createWaveGate({ store }) satisfies WaveGate,
    migrationGuard: createMigrationGuard(store) satisfies MigrationGuard,
    /** Registers every plan route; `runner` is the plan-list projection's (for its lag headers). */
    async register(app: App, runner: ProjectionRunner) {
      await app.register(createPlanRoute, {
        ...routeDeps,
        environmentExists: deps.environmentExists,
        knownServices,
        flags,
        onCallLead: deps.onCallLead,
      });
      await app.register(getPlanRoute, { store });
      await app.register(planListRoute, { db, runner });
      await app.register(rollbackPlanRoute, { store });
      await app.register(controlPlanRoutes, routeDeps);
      await app.register(rollBackPlanRoute, routeDeps);
      await app.register(registerMigrationRoute, routeDeps);
      await app.register(recordMigrationRunRoute, { ...routeDeps, db });
      await app.register(recordRunbookStepRoute, routeDeps);
      await app.register(acknowledgeDecisionRoute, { ...routeDeps, control: deps.control });
    },
    /** Starts the progress worker (under a lease) and the escalation scheduler (false: only on `tick()`). */
    startWorkers(options: { pool: pg.Pool; schedulerIntervalMs: number | false }): PlanWorkers {
      const reconcile = createPlanReconciler({
        store,
        commands,
        control: deps.control,
        flags,
        now,
        logger: deps.logger,
      });
      const progress = startPlanProgress({
        store,
        pool: options.pool,
        db: db as Kysely<unknown>,
        commands,
        reconcile,
        now,
        minuteMs,
        logger: deps.logger,
      });
      const escalations = createEscalationScheduler({
        db,
        commands,
        now,
        minuteMs,
        intervalMs: options.schedulerIntervalMs || 30_000,
        logger: deps.logger,
      });
      if (options.schedulerIntervalMs !== false) escalations.start();
      return {
        progress,
        escalations,
        async stop() {
          await escalations.stop();
          await progress.stop();
        },
      };
    },
  };
}
export type PlanCapability = ReturnType<typeof createPlanCapability>;

/** For the railyard CLI (`state rolloutPlan-<id> --at T`): the fold and catalogue of each plan category. */
export const planAggregates = [
  {
    category: 'rolloutPlan',
    initialState: planDecider.initialState,
    evolve: planDecider.evolve,
    catalogue: rolloutPlanEvents as unknown as EventCatalogue,
  },
  {
    category: 'serviceSchema',
    initialState: schemaDecider.initialState,
    evolve: schemaDecider.evolve,
    catalogue: serviceSchemaEvents as unknown as EventCatalogue,
  },
];
