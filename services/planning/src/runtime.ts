import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type EventStore, type PostgresEventStore, startSealer } from '@railyard/eventstore';
import { createRelay, ensureMessagingSchema, type Relay } from '@railyard/messaging';
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
import { planningMigrations } from '../migrations/index.js';
import { buildPlanningApp, type PlanningDb } from './app.js';
import { releaseBoardsProjection } from './releases/release-boards/projection.js';
import { releaseListProjection } from './releases/release-list/projection.js';

export interface PlanningRuntimeOptions {
  store: EventStore;
  /** The service's database: read models, relay checkpoint, inbox. Owned by the caller. */
  pool: pg.Pool;
  auth: AuthConfig;
  logger: Logger;
  /** The bus; without it the relay does not run (tests of the HTTP slice alone). */
  nats?: NatsConnection;
  subjectPrefix?: string;
  /** How often the Postgres log is sealed; false: no sealer in this process. */
  sealIntervalMs?: number | false;
  /** Readiness checks beside the store's (Postgres, NATS …). */
  readiness?: Record<string, ReadinessCheck>;
  now?: () => Date;
}

export interface PlanningRuntime {
  app: App;
  db: Kysely<PlanningDb>;
  releaseList: ProjectionRunner;
  boards: ProjectionRunner;
  relay?: Relay;
  /** Stops what start opened, in reverse order (the app first). Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * The planning service's moving parts, wired once for main(), the integration tests and the bench: migrations,
 * the release-list projection, the relay to NATS, the sealer, the lag gauges and the HTTP app (not listening).
 */
export async function startPlanningRuntime(options: PlanningRuntimeOptions): Promise<PlanningRuntime> {
  const { store, pool, logger } = options;
  const closers = createClosers(logger);
  const close = () => closers.close();
  try {
    // The db shares the caller's pool; it is never destroyed here, since destroying it would end that pool.
    const db = createDb<PlanningDb>(pool);
    await migrateSchema(db, { schema: 'planning', migrations: planningMigrations });

    let relay: Relay | undefined;
    if (options.nats) {
      await ensureMessagingSchema(pool);
      relay = createRelay({
        store,
        js: jetstream(options.nats),
        pool,
        service: 'planning',
        subjectPrefix: options.subjectPrefix,
        logger,
      });
      await relay.start();
      closers.add('relay', () => relay!.stop());
      observedGauge('railyard_relay_lag_events', 'Events in the store not yet published to NATS', () => relay!.lag());
    }

    const releaseList = createProjectionRunner({ ...releaseListProjection, store, db, logger });
    await releaseList.start();
    closers.add('release-list projection', () => releaseList.stop());
    observedGauge('railyard_projection_lag_events', 'Events the release-list projection has still to apply', () =>
      releaseList.lag(),
    );
    const boards = createProjectionRunner({ ...releaseBoardsProjection, store, db, logger });
    await boards.start();
    closers.add('release-boards projection', () => boards.stop());
    observedGauge(
      'railyard_release_boards_lag_events',
      'Events the release-boards projection (exceptions, dependencies, compliance) has still to apply',
      () => boards.lag(),
    );

    if (store.kind === 'postgres') {
      const pgStore = store as PostgresEventStore;
      if (options.sealIntervalMs !== false) {
        const sealer = startSealer(pgStore.pool, {
          intervalMs: options.sealIntervalMs ?? 5000,
          onError: (err) => logger.warn({ err }, 'sealing the log failed'),
        });
        closers.add('sealer', () => sealer.stop());
      }
      observedGauge(
        'railyard_eventstore_held_back_events',
        'Committed events readers cannot see yet because an older transaction is still open on the server',
        () => pgStore.heldBack(),
      );
    }

    const app = await buildPlanningApp({
      store,
      db,
      releaseList,
      boards,
      auth: options.auth,
      logger,
      now: options.now,
      readiness: { store: () => store.ping(), ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, db, releaseList, boards, relay, close };
  } catch (error) {
    await close();
    throw error;
  }
}
