import type { DurableConsumer, Relay } from '@railyard/messaging';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App, ServiceRuntimeBase } from '@railyard/service-kit';
import { startServiceRuntime } from '@railyard/service-kit/backbone';
import type { Kysely } from 'kysely';
import { governanceMigrations } from '../migrations/index.js';
import { buildGovernanceApp } from './app.js';
import { createCommunicationConsumers } from './communications/consumers.js';
import type { NotifyWebhook } from './communications/delivery/deliver-notice.js';
import { createNoticeCommands } from './communications/notice-store.js';
import { createIncidentCommands, type IncidentCommands } from './incidents/incident-commands.js';
import { createGovernanceConsumers } from './inputs/consumers.js';
import { ensureAnalystRole } from './reporting/analyst-role.js';
import { liveReportingProjection } from './reporting/reporting-projection.js';
import { retrospectiveActionsProjection } from './retrospectives/action-list/projection.js';

export interface GovernanceRuntimeOptions extends ServiceRuntimeBase {
  /** The password set on `railyard_analyst` at start (unset: left as it is). */
  analystPassword?: string;
  /** The notification webhook notices go to (G7), and the delivery's retry delays in ms (tests shorten them). */
  notify?: NotifyWebhook & { backoffMs?: number[] };
}

export interface GovernanceRuntime {
  app: App;
  db: Kysely<unknown>;
  reporting: ProjectionRunner;
  relay?: Relay;
  consumers: DurableConsumer[];
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
    'reporting' | 'retrospectiveActions',
    { commands: IncidentCommands }
  >({
    ...options,
    service: 'governance',
    migrations: governanceMigrations,
    projections: { reporting: liveReportingProjection, retrospectiveActions: retrospectiveActionsProjection },
    async parts({ store, pool }) {
      await ensureAnalystRole(pool, { password: options.analystPassword });
      return { commands: createIncidentCommands(store) };
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
    buildApp: ({ store, pool, now, kit }) => buildGovernanceApp({ ...kit, store, pool, now }),
  });
  return { ...runtime, reporting: runtime.projections.reporting };
}
