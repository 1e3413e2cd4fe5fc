import type { DurableConsumer, Relay } from '@railyard/messaging';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App, ServiceRuntimeBase } from '@railyard/service-kit';
import { startServiceRuntime } from '@railyard/service-kit/backbone';
import type { Kysely } from 'kysely';
import { governanceMigrations } from '../migrations/index.js';
import { buildGovernanceApp } from './app.js';
import { drillListProjection } from './drills/drill-list/projection.js';
import { type DrillScheduler, startDrillScheduler } from './drills/drill-scheduler.js';
import { createDrillHandler } from './drills/drill-store.js';
import { createIncidentCommands, type IncidentCommands } from './incidents/incident-commands.js';
import { createGovernanceConsumers } from './inputs/consumers.js';
import { ensureAnalystRole } from './reporting/analyst-role.js';
import { liveReportingProjection } from './reporting/reporting-projection.js';
import { eligibleMembersOf, rotationGrantsProjection } from './rotations/rotation-eligibility.js';
import { type RotationScheduler, startRotationScheduler } from './rotations/rotation-scheduler.js';
import { createRotationHandler } from './rotations/rotation-store.js';

export interface GovernanceRuntimeOptions extends ServiceRuntimeBase {
  /** The password set on `railyard_analyst` at start (unset: left as it is). */
  analystPassword?: string;
  /** How often governance's schedulers (drills overdue, rotation turns) run; false: only on tick() (tests). */
  schedulerIntervalMs?: number | false;
}

export interface GovernanceRuntime {
  app: App;
  db: Kysely<unknown>;
  reporting: ProjectionRunner;
  relay?: Relay;
  consumers: DurableConsumer[];
  drillScheduler: DrillScheduler;
  rotationScheduler: RotationScheduler;
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * The governance service's moving parts, wired by the kit's runtime for main(), the tests and the CLI: its schema
 * and the analyst role, the reporting projection, the durable consumers of others' events and the HTTP app (the
 * relay and sealer come with the kit).
 */
export async function startGovernanceRuntime(options: GovernanceRuntimeOptions): Promise<GovernanceRuntime> {
  const runtime = await startServiceRuntime<
    unknown,
    'reporting' | 'drills' | 'rotationGrants',
    { commands: IncidentCommands; drillScheduler: DrillScheduler; rotationScheduler: RotationScheduler }
  >({
    ...options,
    service: 'governance',
    migrations: governanceMigrations,
    projections: {
      reporting: liveReportingProjection,
      drills: drillListProjection,
      rotationGrants: rotationGrantsProjection,
    },
    async parts(ctx) {
      const { store, pool } = ctx;
      await ensureAnalystRole(pool, { password: options.analystPassword });
      return {
        commands: createIncidentCommands(store),
        drillScheduler: startDrillScheduler(ctx, createDrillHandler(store), options.schedulerIntervalMs),
        rotationScheduler: startRotationScheduler(
          ctx,
          createRotationHandler(store),
          eligibleMembersOf(pool),
          options.schedulerIntervalMs,
        ),
      };
    },
    consumers: ({ js, jsm, stream, subjectPrefix }, { store, pool, now, logger, parts }) =>
      createGovernanceConsumers({
        store,
        js,
        jsm,
        pool,
        stream,
        subjectPrefix,
        commands: parts.commands,
        now,
        logger,
      }),
    buildApp: ({ store, pool, now, kit }) => buildGovernanceApp({ ...kit, store, pool, now }),
  });
  return {
    ...runtime,
    reporting: runtime.projections.reporting,
    drillScheduler: runtime.parts.drillScheduler,
    rotationScheduler: runtime.parts.rotationScheduler,
  };
}
