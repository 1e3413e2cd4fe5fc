import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@railyard/eventstore';
import type { Relay } from '@railyard/messaging';
import { createDb, migrateSchema, type ProjectionRunner } from '@railyard/readmodels';
import {
  type App,
  type AuthConfig,
  createClosers,
  type Logger,
  type RateLimitConfig,
  type ReadinessCheck,
} from '@railyard/service-kit';
import { startServiceProjection, startServiceRelay, startStoreUpkeep } from '@railyard/service-kit/backbone';
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
  /** Requests per principal per window (429 beyond); omitted: no limit (tests, bench). */
  rateLimit?: RateLimitConfig | false;
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

    const relay = options.nats
      ? await startServiceRelay(
          { store, pool, nats: options.nats, service: 'planning', subjectPrefix: options.subjectPrefix },
          logger,
          closers,
        )
      : undefined;
    const releaseList = await startServiceProjection({ ...releaseListProjection, store, db }, logger, closers);
    const boards = await startServiceProjection({ ...releaseBoardsProjection, store, db }, logger, closers);
    startStoreUpkeep(store, { sealIntervalMs: options.sealIntervalMs }, logger, closers);

    const app = await buildPlanningApp({
      store,
      db,
      releaseList,
      boards,
      auth: options.auth,
      rateLimit: options.rateLimit,
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
