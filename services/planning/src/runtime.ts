import type { DurableConsumer, Relay } from '@railyard/messaging';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App, ServiceRuntimeBase } from '@railyard/service-kit';
import { startServiceRuntime } from '@railyard/service-kit/backbone';
import type { Kysely } from 'kysely';
import { planningMigrations } from '../migrations/index.js';
import { buildPlanningApp, type PlanningDb } from './app.js';
import { releaseBoardsProjection } from './releases/release-boards/projection.js';
import { releaseListProjection } from './releases/release-list/projection.js';
import { createRollbackDrillsConsumer } from './rollback-drills/consumer.js';

export type PlanningRuntimeOptions = ServiceRuntimeBase;

export interface PlanningRuntime {
  app: App;
  db: Kysely<PlanningDb>;
  releaseList: ProjectionRunner;
  boards: ProjectionRunner;
  relay?: Relay;
  consumers: DurableConsumer[];
  /** Stops what start opened, in reverse order (the app first). Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * The planning service's moving parts, wired by the kit's runtime for main(), the integration tests and the bench:
 * its schema, the release-list and boards projections, and the HTTP app (the relay and sealer come with the kit).
 */
export async function startPlanningRuntime(options: PlanningRuntimeOptions): Promise<PlanningRuntime> {
  const runtime = await startServiceRuntime<PlanningDb, 'releaseList' | 'boards'>({
    ...options,
    service: 'planning',
    migrations: planningMigrations,
    projections: { releaseList: releaseListProjection, boards: releaseBoardsProjection },
    consumers: ({ js, jsm, stream, subjectPrefix }, { store, pool, logger }) => [
      createRollbackDrillsConsumer({ store, js, jsm, pool, stream, subjectPrefix, logger }),
    ],
    buildApp: ({ store, db, projections, now, kit }) =>
      buildPlanningApp({ ...kit, store, db, releaseList: projections.releaseList, boards: projections.boards, now }),
  });
  const { releaseList, boards } = runtime.projections;
  return { ...runtime, releaseList, boards };
}
