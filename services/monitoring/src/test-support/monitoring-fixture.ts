import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
import { createTestDatabase, type TestDatabase } from '@railyard/testing';
import pg from 'pg';
import { type MonitoringRuntime, startMonitoringRuntime } from '../runtime.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface MonitoringFixture {
  app: App;
  store: PostgresEventStore;
  runtime: MonitoringRuntime;
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /** The events of one stream, as types and data, oldest first. */
  eventsOf(stream: string): Promise<{ type: string; data: Record<string, unknown> }[]>;
  close(): Promise<void>;
}

/** The monitoring service wired by the runtime main() uses, on a fresh database (no bus unless given). */
export async function startMonitoring(label: string): Promise<MonitoringFixture> {
  const database: TestDatabase = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  const pool = new pg.Pool({ connectionString: database.url, max: 5 });
  // Clients die when the database is dropped at the end; held ones too must not crash the worker.
  watchPoolErrors(pool, () => {});
  const runtime = await startMonitoringRuntime({
    store,
    pool,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'monitoring', level: 'silent' }),
    sealIntervalMs: false,
  });
  return {
    app: runtime.app,
    store,
    runtime,
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    async eventsOf(stream) {
      return (await store.readStream(stream)).map((e) => ({ type: e.type, data: e.data }));
    },
    async close() {
      await runtime.close();
      await pool.end();
      await store.close();
      await database.drop();
    },
  };
}
