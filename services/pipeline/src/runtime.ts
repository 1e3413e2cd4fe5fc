import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type EventStore, type PostgresEventStore, startSealer } from '@railyard/eventstore';
import { createRelay, type DurableConsumer, ensureMessagingSchema, type Relay } from '@railyard/messaging';
import { createDb, createProjectionRunner, migrateSchema, type ProjectionRunner } from '@railyard/readmodels';
import {
  type App,
  type AuthConfig,
  createClosers,
  type Logger,
  observedGauge,
  type ReadinessCheck,
} from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { pipelineMigrations } from '../migrations/index.js';
import { buildPipelineApp } from './app.js';
import type { PipelineDb } from './artifact-gates/artifact-gates.js';
import { createArtifactGatesConsumer } from './artifact-gates/consumer.js';
import type { PipelinePolicies } from './pipeline-commands.js';
import { runListProjection } from './runs/run-list/projection.js';

export interface PipelineRuntimeOptions {
  store: EventStore;
  /** The service's database: read models, inbox, relay checkpoint. Owned by the caller. */
  pool: pg.Pool;
  auth: AuthConfig;
  logger: Logger;
  policies: PipelinePolicies;
  /** The bus; without it neither the relay nor the artifact consumer runs (tests of the HTTP slice alone). */
  nats?: NatsConnection;
  subjectPrefix?: string;
  /** The JetStream stream capturing `<prefix>.>` (default `RAILYARD`). */
  busStream?: string;
  /** How often the Postgres log is sealed; false: no sealer in this process. */
  sealIntervalMs?: number | false;
  readiness?: Record<string, ReadinessCheck>;
  now?: () => Date;
}

export interface PipelineRuntime {
  app: App;
  db: Kysely<PipelineDb>;
  runList: ProjectionRunner;
  relay?: Relay;
  artifactGates?: DurableConsumer;
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * The pipeline service's moving parts, wired once for main() and the integration tests: migrations, the relay to
 * NATS, the durable consumer of artifact events (`pipeline--artifact-gates`), the sealer, gauges and the HTTP app.
 */
export async function startPipelineRuntime(options: PipelineRuntimeOptions): Promise<PipelineRuntime> {
  const { store, pool, logger } = options;
  const closers = createClosers(logger);
  const close = () => closers.close();
  try {
    // The db shares the caller's pool; it is never destroyed here, since destroying it would end that pool.
    const db = createDb<PipelineDb>(pool);
    await migrateSchema(db, { schema: 'pipeline', migrations: pipelineMigrations });

    let relay: Relay | undefined;
    let artifactGates: DurableConsumer | undefined;
    if (options.nats) {
      await ensureMessagingSchema(pool);
      const js = jetstream(options.nats);
      relay = createRelay({ store, js, pool, service: 'pipeline', subjectPrefix: options.subjectPrefix, logger });
      await relay.start();
      closers.add('relay', () => relay!.stop());
      observedGauge('railyard_relay_lag_events', 'Events in the store not yet published to NATS', () => relay!.lag());

      artifactGates = createArtifactGatesConsumer({
        js,
        jsm: await jetstreamManager(options.nats),
        pool,
        stream: options.busStream ?? 'RAILYARD',
        subjectPrefix: options.subjectPrefix ?? 'railyard',
        logger,
      });
      await artifactGates.start();
      closers.add('artifact-gates consumer', () => artifactGates!.stop());
      observedGauge('railyard_consumer_lag_messages', 'Artifact events not yet applied to the gate read model', () =>
        artifactGates!.lag(),
      );
    }

    const runList = createProjectionRunner({ ...runListProjection, store, db, logger });
    await runList.start();
    closers.add('run-list projection', () => runList.stop());
    observedGauge('railyard_projection_lag_events', 'Events the run-list projection has still to apply', () =>
      runList.lag(),
    );

    if (store.kind === 'postgres' && options.sealIntervalMs !== false) {
      const sealer = startSealer((store as PostgresEventStore).pool, {
        intervalMs: options.sealIntervalMs ?? 5000,
        onError: (err) => logger.warn({ err }, 'sealing the log failed'),
      });
      closers.add('sealer', () => sealer.stop());
    }

    const app = await buildPipelineApp({
      store,
      db,
      runList,
      policies: options.policies,
      auth: options.auth,
      logger,
      now: options.now,
      readiness: { store: () => store.ping(), ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, db, runList, relay, artifactGates, close };
  } catch (error) {
    await close();
    throw error;
  }
}
