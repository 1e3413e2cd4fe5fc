import type { NatsConnection } from '@nats-io/transport-node';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import { type App, createLogger, type Logger, signDevToken } from '@railyard/service-kit';
import { createTestDatabase, type TestDatabase } from '@railyard/testing';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { PlanningDb } from '../app.js';
import { type PlanningRuntime, startPlanningRuntime } from '../runtime.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface PlanningFixture {
  app: App;
  store: PostgresEventStore;
  pool: pg.Pool;
  db: Kysely<PlanningDb>;
  releaseList: ProjectionRunner;
  boards: ProjectionRunner;
  runtime: PlanningRuntime;
  database: TestDatabase;
  /** A bearer header for a user with these roles. */
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/**
 * The planning service wired by the same runtime main() uses, on a fresh database: real Postgres store and read
 * models; with `nats`, the relay publishes under `subjectPrefix` too.
 */
export async function startPlanning(
  label: string,
  bus?: { nats: NatsConnection; subjectPrefix: string },
  options: { logger?: Logger; now?: () => Date } = {},
): Promise<PlanningFixture> {
  const database = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  // Connections die when a test terminates backends or drops the database, idle or held by a projection or
  // relay still stopping: expected here, and it must not take the test worker down with it.
  watchPoolErrors(pool, () => {});
  const runtime = await startPlanningRuntime({
    store,
    pool,
    auth: { secret: TEST_SECRET },
    logger: options.logger ?? createLogger({ name: 'planning', level: 'silent' }),
    sealIntervalMs: false,
    now: options.now,
    ...(bus ?? {}),
  });
  return {
    app: runtime.app,
    store,
    pool,
    db: runtime.db,
    releaseList: runtime.releaseList,
    boards: runtime.boards,
    runtime,
    database,
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    async close() {
      await runtime.close();
      await pool.end();
      await store.close();
      await database.drop();
    },
  };
}
