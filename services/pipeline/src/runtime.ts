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
  type RateLimitConfig,
  type ReadinessCheck,
} from '@railyard/service-kit';
import { startServiceProjection, startServiceRelay, startStoreUpkeep } from '@railyard/service-kit/backbone';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { pipelineMigrations } from '../migrations/index.js';
import { buildPipelineApp } from './app.js';
import type { PipelineDb } from './artifact-gates/artifact-gates.js';
import { createArtifactGatesConsumer } from './artifact-gates/consumer.js';
import { createPipelineCommands, type PipelinePolicies } from './pipeline-commands.js';
import { createDeploymentOutcomesConsumer } from './runs/deployment-outcomes/consumer.js';
import { runListProjection } from './runs/run-list/projection.js';

export interface PipelineRuntimeOptions {
  store: EventStore;
  /** The service's database: read models, inbox, relay checkpoint. Owned by the caller. */
  pool: pg.Pool;
  auth: AuthConfig;
  /** Requests per principal per window (429 beyond); omitted: no limit (tests, bench). */
  rateLimit?: RateLimitConfig | false;
  logger: Logger;
  policies: PipelinePolicies;
  /** The bus; without it neither the relay nor the artifact consumer runs (tests of the HTTP slice alone). */
  nats?: NatsConnection;
  subjectPrefix?: string;
  /** The JetStream stream capturing `<prefix>.>` (default: derived from the prefix, `RAILYARD` for `railyard`). */
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
  deploymentOutcomes?: DurableConsumer;
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * The pipeline service's moving parts, wired once for main() and the integration tests: migrations, the relay to
 * NATS, the durable consumers of artifact events (`pipeline--artifact-gates`) and of deployment outcomes
 * (`pipeline--deployment-outcomes`), the sealer, gauges and the HTTP app.
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
    let deploymentOutcomes: DurableConsumer | undefined;
    if (options.nats) {
      relay = await startServiceRelay(
        { store, pool, nats: options.nats, service: 'pipeline', subjectPrefix: options.subjectPrefix },
        logger,
        closers,
      );
      artifactGates = createArtifactGatesConsumer({
        store,
        js: jetstream(options.nats),
        jsm: await jetstreamManager(options.nats),
        pool,
        stream: options.busStream ?? busStreamNames(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX).stream,
        subjectPrefix: options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX,
        logger,
      });
      await artifactGates.start();
      closers.add('artifact-gates consumer', () => artifactGates!.stop());
      observedGaugeSeries(
        'railyard_consumer_lag_messages',
        'Messages a durable consumer has not yet handled',
        'consumer',
        'pipeline--artifact-gates',
        () => artifactGates!.lag(),
      );
      deploymentOutcomes = createDeploymentOutcomesConsumer({
        store,
        commands: createPipelineCommands(store),
        js: jetstream(options.nats),
        jsm: await jetstreamManager(options.nats),
        pool,
        stream: options.busStream ?? busStreamNames(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX).stream,
        subjectPrefix: options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX,
        logger,
      });
      await deploymentOutcomes.start();
      closers.add('deployment-outcomes consumer', () => deploymentOutcomes!.stop());
      observedGaugeSeries(
        'railyard_consumer_lag_messages',
        'Messages a durable consumer has not yet handled',
        'consumer',
        'pipeline--deployment-outcomes',
        () => deploymentOutcomes!.lag(),
      );
    }
    const runList = await startServiceProjection({ ...runListProjection, store, db }, logger, closers);
    startStoreUpkeep(store, { sealIntervalMs: options.sealIntervalMs }, logger, closers);

    const app = await buildPipelineApp({
      store,
      db,
      runList,
      policies: options.policies,
      auth: options.auth,
      rateLimit: options.rateLimit,
      logger,
      now: options.now,
      readiness: { store: () => store.ping(), ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, db, runList, relay, artifactGates, deploymentOutcomes, close };
  } catch (error) {
    await close();
    throw error;
  }
}
