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
  /** Requests per principal per window (429 beyond); omitted: no limit (tests, bench). */
  rateLimit?: RateLimitConfig | false;
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

    const relay = options.nats
      ? await startServiceRelay(
          { store, pool, nats: options.nats, service: 'artifact', subjectPrefix: options.subjectPrefix },
          logger,
          closers,
        )
      : undefined;
    const catalog = await startServiceProjection({ ...artifactCatalogProjection, store, db }, logger, closers);
    startStoreUpkeep(store, { sealIntervalMs: options.sealIntervalMs }, logger, closers);

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
      rateLimit: options.rateLimit,
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
