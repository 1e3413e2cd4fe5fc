import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
import { createTestDatabase } from '@railyard/testing';
import pg from 'pg';
import {
  DEFAULT_LICENSE_POLICY,
  DEFAULT_NAMING,
  DEFAULT_RETENTION,
  DEFAULT_STAGE_POLICIES,
  namingConventions,
} from '../config.js';
import { type ArtifactRuntime, startArtifactRuntime } from '../runtime.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface ArtifactFixture {
  app: App;
  store: PostgresEventStore;
  pool: pg.Pool;
  runtime: ArtifactRuntime;
  storageDir: string;
  /** The clock the app reads; tests move it to cross retention periods. */
  clock: { now: Date };
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /** Waits until the catalog projection has applied every event appended so far. */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The artifact service wired by the same runtime main() uses, on a fresh database and a fresh storage folder, with
 * the default policies and a small upload limit (1 MiB) so oversized bodies are cheap to test.
 */
export async function startArtifact(
  label: string,
  options: {
    bus?: { nats: NatsConnection; subjectPrefix: string };
    maxUploadBytes?: number;
    emptyContentKinds?: string[];
    sweepIntervalMs?: number;
    /** Connections of the store's pool and of the read-model pool, each (default 10). */
    poolSize?: number;
  } = {},
): Promise<ArtifactFixture> {
  const database = await createTestDatabase(label);
  const store = createPostgresEventStore({
    connectionString: database.url,
    pollIntervalMs: 20,
    poolSize: options.poolSize ?? 10,
  });
  await store.ready();
  const pool = new pg.Pool({ connectionString: database.url, max: options.poolSize ?? 10 });
  // Connections die when a test terminates backends or drops the database, idle or held by a projection or
  // relay still stopping: expected here, and it must not take the test worker down with it.
  watchPoolErrors(pool, () => {});
  const storageDir = await mkdtemp(path.join(tmpdir(), 'railyard-artifacts-'));
  const clock = { now: new Date() };
  const runtime = await startArtifactRuntime({
    store,
    pool,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'artifact', level: 'silent' }),
    sealIntervalMs: false,
    storageDir,
    masterKey: 'test-master-key-that-is-long-enough-0000',
    policies: {
      naming: namingConventions(DEFAULT_NAMING),
      stages: DEFAULT_STAGE_POLICIES,
      licenses: DEFAULT_LICENSE_POLICY,
      retention: DEFAULT_RETENTION,
      maxUploadBytes: options.maxUploadBytes ?? 1024 * 1024,
      emptyContentKinds: options.emptyContentKinds ?? [],
    },
    now: () => clock.now,
    sweepIntervalMs: options.sweepIntervalMs ?? false,
    ...(options.bus ?? {}),
  });
  return {
    app: runtime.app,
    store,
    pool,
    runtime,
    storageDir,
    clock,
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    async caughtUp() {
      // The last committed artifact event, read from the table itself: headPosition() may still hold it back while
      // an older transaction (of any database on the server) is open, and waiting for less would pass too early.
      const { rows } = await store.pool.query<{ last: string | null }>(
        `SELECT max(global_position)::text AS last FROM eventstore.events WHERE category = 'artifact'`,
      );
      if (rows[0]?.last) await runtime.catalog.waitFor(BigInt(rows[0].last), 10_000);
    },
    async close() {
      await runtime.close();
      await pool.end();
      await store.close();
      await database.drop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
