import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { busStreamNames, DEFAULT_SUBJECT_PREFIX } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { DurableConsumer, Relay } from '@railyard/messaging';
import { createDb, migrateSchema, type ProjectionRunner } from '@railyard/readmodels';
import {
  type App,
  type AuthConfig,
  createClosers,
  type Logger,
  observedGaugeSeries,
  type ReadinessCheck,
} from '@railyard/service-kit';
import { startServiceProjection, startServiceRelay, startStoreUpkeep } from '@railyard/service-kit/backbone';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { governanceMigrations } from '../migrations/index.js';
import { buildGovernanceApp } from './app.js';
import { createIncidentCommands } from './incidents/incident-commands.js';
import { createGovernanceConsumers } from './inputs/consumers.js';
import { ensureAnalystRole } from './reporting/analyst-role.js';
import { liveReportingProjection } from './reporting/reporting-projection.js';

export interface GovernanceRuntimeOptions {
  store: EventStore;
  /** The service's database: reporting facts, inbox, relay checkpoint. Owned by the caller. */
  pool: pg.Pool;
  auth: AuthConfig;
  logger: Logger;
  /** The bus; without it neither the relay nor the consumers run (tests of the HTTP slices alone). */
  nats?: NatsConnection;
  subjectPrefix?: string;
  /** The JetStream stream capturing `<prefix>.>` (default: derived from the prefix). */
  busStream?: string;
  /** The password set on `railyard_analyst` at start (unset: left as it is). */
  analystPassword?: string;
  /** How often the Postgres log is sealed; false: no sealer in this process. */
  sealIntervalMs?: number | false;
  readiness?: Record<string, ReadinessCheck>;
  now?: () => Date;
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
 * The governance service's moving parts, wired once for main(), the tests and the CLI: migrations and the analyst
 * role, the relay, the durable consumers of others' events, the projection of its own, the sealer, the HTTP app.
 */
export async function startGovernanceRuntime(options: GovernanceRuntimeOptions): Promise<GovernanceRuntime> {
  const { store, pool, logger } = options;
  const now = options.now ?? (() => new Date());
  const closers = createClosers(logger);
  const close = () => closers.close();
  try {
    const db = createDb<unknown>(pool);
    await migrateSchema(db, { schema: 'governance', migrations: governanceMigrations });
    await ensureAnalystRole(pool, { password: options.analystPassword });
    const commands = createIncidentCommands(store);

    let relay: Relay | undefined;
    const consumers: DurableConsumer[] = [];
    if (options.nats) {
      const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
      relay = await startServiceRelay(
        { store, pool, nats: options.nats, service: 'governance', subjectPrefix: options.subjectPrefix },
        logger,
        closers,
      );
      const created = createGovernanceConsumers({
        store,
        js: jetstream(options.nats),
        jsm: await jetstreamManager(options.nats),
        pool,
        stream: options.busStream ?? busStreamNames(prefix).stream,
        subjectPrefix: prefix,
        commands,
        now,
        logger,
      });
      for (const consumer of created) {
        await consumer.start();
        consumers.push(consumer);
        closers.add(`${consumer.name} consumer`, () => consumer.stop());
        observedGaugeSeries(
          'railyard_consumer_lag_messages',
          'Messages a durable consumer has not yet handled',
          'consumer',
          consumer.name,
          () => consumer.lag(),
        );
      }
    }
    const reporting = await startServiceProjection({ ...liveReportingProjection, store, db }, logger, closers);
    startStoreUpkeep(store, { sealIntervalMs: options.sealIntervalMs }, logger, closers);

    const app = await buildGovernanceApp({
      store,
      pool,
      auth: options.auth,
      logger,
      now,
      readiness: { store: () => store.ping(), ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, db, reporting, relay, consumers, close };
  } catch (error) {
    await close();
    throw error;
  }
}
