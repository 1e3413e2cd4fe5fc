import type { DurableConsumer, Relay } from '@railyard/messaging';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App, ServiceRuntimeBase } from '@railyard/service-kit';
import { startServiceRuntime } from '@railyard/service-kit/backbone';
import type { Kysely } from 'kysely';
import { governanceMigrations } from '../migrations/index.js';
import { accessProjection } from './access/access-projection.js';
import { createAccessReviewCommands, createGrantCommands } from './access/access-store.js';
import { type ReviewScheduler, startAccessReviewScheduler } from './access/review-closer.js';
import { buildGovernanceApp } from './app.js';
import { createCommunicationConsumers } from './communications/consumers.js';
import type { NotifyWebhook } from './communications/delivery/deliver-notice.js';
import { createNoticeCommands } from './communications/notice-store.js';
import { drillListProjection } from './drills/drill-list/projection.js';
import { type DrillScheduler, startDrillScheduler } from './drills/drill-scheduler.js';
import { createDrillHandler } from './drills/drill-store.js';
import { createIncidentCommands, type IncidentCommands } from './incidents/incident-commands.js';
import { createGovernanceConsumers } from './inputs/consumers.js';
import { ensureAnalystRole } from './reporting/analyst-role.js';
import { liveReportingProjection } from './reporting/reporting-projection.js';
import { retrospectiveActionsProjection } from './retrospectives/action-list/projection.js';
import { eligibleMembersOf } from './rotations/rotation-eligibility.js';
import { type RotationScheduler, startRotationScheduler } from './rotations/rotation-scheduler.js';
import { createRotationHandler } from './rotations/rotation-store.js';

export interface GovernanceRuntimeOptions extends ServiceRuntimeBase {
  /** The password set on `railyard_analyst` at start (unset: left as it is). */
  analystPassword?: string;
  /** How often the access review closer looks for due campaigns (default 1000 ms). */
  accessReviewTickMs?: number;
  /** The notification webhook notices go to (G7), and the delivery's retry delays in ms (tests shorten them). */
  notify?: NotifyWebhook & { backoffMs?: number[] };
  /** How often governance's schedulers (drills overdue, rotation turns) run; false: only on tick() (tests). */
  schedulerIntervalMs?: number | false;
}

export interface GovernanceRuntime {
  app: App;
  db: Kysely<unknown>;
  reporting: ProjectionRunner;
  /** Grants into the ledger, campaigns' due dates (governance's own streams). */
  access: ProjectionRunner;
  /** Closes access review campaigns on their due date (tick() for one pass). */
  accessReviews: ReviewScheduler;
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
    'reporting' | 'access' | 'retrospectiveActions' | 'drills',
    {
      commands: IncidentCommands;
      accessReviews: ReviewScheduler;
      drillScheduler: DrillScheduler;
      rotationScheduler: RotationScheduler;
    }
  >({
    ...options,
    service: 'governance',
    migrations: governanceMigrations,
    projections: {
      reporting: liveReportingProjection,
      access: accessProjection,
      retrospectiveActions: retrospectiveActionsProjection,
      drills: drillListProjection,
    },
    async parts(ctx) {
      const { store, pool, now, logger, onClose } = ctx;
      await ensureAnalystRole(pool, { password: options.analystPassword });
      const accessReviews = startAccessReviewScheduler({
        store,
        pool,
        now,
        logger,
        grants: createGrantCommands(store),
        reviews: createAccessReviewCommands(store),
        intervalMs: options.accessReviewTickMs ?? 1000,
      });
      onClose('access review closer', () => accessReviews.stop());
      return {
        commands: createIncidentCommands(store),
        accessReviews,
        drillScheduler: startDrillScheduler(ctx, createDrillHandler(store), options.schedulerIntervalMs),
        rotationScheduler: startRotationScheduler(
          ctx,
          createRotationHandler(store),
          eligibleMembersOf(pool),
          options.schedulerIntervalMs,
        ),
      };
    },
    consumers: ({ js, jsm, stream, subjectPrefix }, { store, pool, now, logger, parts }) => [
      ...createGovernanceConsumers({
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
      ...createCommunicationConsumers({
        store,
        js,
        jsm,
        pool,
        stream,
        subjectPrefix,
        commands: createNoticeCommands(store),
        webhook: options.notify ?? {},
        deliveryBackoffMs: options.notify?.backoffMs,
        now,
        logger,
      }),
    ],
    buildApp: ({ store, pool, now, kit, projections }) =>
      buildGovernanceApp({ ...kit, store, pool, now, accessRunner: projections.access }),
  });
  return {
    ...runtime,
    reporting: runtime.projections.reporting,
    access: runtime.projections.access,
    accessReviews: runtime.parts.accessReviews,
    drillScheduler: runtime.parts.drillScheduler,
    rotationScheduler: runtime.parts.rotationScheduler,
  };
}
