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
import { artifactMigrations } from '../migrations/index.js';
import { buildArtifactApp } from './app.js';
import { type ArtifactPolicies, createArtifactCommands } from './artifacts/artifact-commands.js';
import { type ArtifactCatalogDb, artifactCatalogProjection } from './catalog/projection.js';
import { ContentStore } from './content/content-store.js';
import { startSweeper } from './retention/sweep-timer.js';
import type { KeyVault } from './signing/key-vault.js';
import { createLocalKeyring, type KeyringDb } from './signing/local-keyring.js';

export interface ArtifactRuntimeOptions {
  store: EventStore;
  /** The service's database: read models, keyring, relay checkpoint. Owned by the caller. */
  pool: pg.Pool;
  auth: AuthConfig;
  logger: Logger;
  /** Where content-addressed blobs are stored (created if missing). */
  storageDir: string;
  /** The keyring's master key (ARTIFACT_MASTER_KEY). */
  masterKey: string;
  policies: ArtifactPolicies;
  /** The bus; without it the relay does not run (tests of the HTTP slice alone). */
  nats?: NatsConnection;
  subjectPrefix?: string;
  /** How often the Postgres log is sealed; false: no sealer in this process. */
  sealIntervalMs?: number | false;
  readiness?: Record<string, ReadinessCheck>;
  /** How often the retention sweeper runs in this process; false: only on request (POST /retention/sweep). */
  sweepIntervalMs?: number | false;
  now?: () => Date;
}

export interface ArtifactRuntime {
  app: App;
  db: Kysely<ArtifactCatalogDb>;
  catalog: ProjectionRunner;
  content: ContentStore;
  vault: KeyVault;
  relay?: Relay;
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * The artifact service's moving parts, wired once for main() and the integration tests: migrations, storage, the
 * keyring, the catalog projection, the relay to NATS, the sealer, the lag gauges and the HTTP app (not listening).
 */
export async function startArtifactRuntime(options: ArtifactRuntimeOptions): Promise<ArtifactRuntime> {
  const { store, pool, logger } = options;
  const closers = createClosers(logger);
  const close = () => closers.close();
  try {
    // The db shares the caller's pool; it is never destroyed here, since destroying it would end that pool.
    const db = createDb<ArtifactCatalogDb>(pool);
    await migrateSchema(db, { schema: 'artifact', migrations: artifactMigrations });
    const content = new ContentStore(options.storageDir);
    await content.init();
    const vault = createLocalKeyring(db as unknown as Kysely<KeyringDb>, options.masterKey);

    let relay: Relay | undefined;
    if (options.nats) {
      await ensureMessagingSchema(pool);
      relay = createRelay({
        store,
        js: jetstream(options.nats),
        pool,
        service: 'artifact',
        subjectPrefix: options.subjectPrefix,
        logger,
      });
      await relay.start();
      closers.add('relay', () => relay!.stop());
      observedGauge('railyard_relay_lag_events', 'Events in the store not yet published to NATS', () => relay!.lag());
    }

    const catalog = createProjectionRunner({ ...artifactCatalogProjection, store, db, logger });
    await catalog.start();
    closers.add('artifact-catalog projection', () => catalog.stop());
    observedGauge('railyard_projection_lag_events', 'Events the artifact-catalog projection has still to apply', () =>
      catalog.lag(),
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

    if (options.sweepIntervalMs) {
      const sweeper = startSweeper(
        {
          commands: createArtifactCommands(store, options.policies.naming),
          content,
          db,
          retention: options.policies.retention,
        },
        { intervalMs: options.sweepIntervalMs, logger, now: options.now ?? (() => new Date()) },
      );
      closers.add('retention sweeper', () => sweeper.stop());
    }

    const app = await buildArtifactApp({
      store,
      db,
      catalog,
      content,
      vault,
      policies: options.policies,
      auth: options.auth,
      logger,
      now: options.now,
      readiness: { store: () => store.ping(), ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, db, catalog, content, vault, relay, close };
  } catch (error) {
    await close();
    throw error;
  }
}
