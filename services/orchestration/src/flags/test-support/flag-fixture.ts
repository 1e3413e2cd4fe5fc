import { createPostgresEventStore, type PostgresEventStore } from '@railyard/eventstore';
import { type App, buildApp, createLogger, hashApiKey, signDevToken } from '@railyard/service-kit';
import { createTestDatabase, type TestDatabase } from '@railyard/testing';
import { vi } from 'vitest';
import { FlagSnapshot } from '../flag-snapshot.js';
import { registerFlagRoutes } from '../routes.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';
/** A system's API key, accepted as `X-API-Key` (OFREP clients of services use these). */
export const TEST_API_KEY = 'ofrep-client-key-0123456789';

export interface FlagFixture {
  app: App;
  store: PostgresEventStore;
  snapshot: FlagSnapshot;
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /** The events of one stream, as types and data, oldest first. */
  eventsOf(stream: string): Promise<{ type: string; data: Record<string, unknown> }[]>;
  /** Waits (bounded) until the snapshot has applied the last event of each of these streams. */
  settled(...streams: string[]): Promise<void>;
  close(): Promise<void>;
}

/** The flag capability alone on a fresh database: the real Postgres store, the snapshot following it. */
export async function startFlags(label: string): Promise<FlagFixture> {
  const database: TestDatabase = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  const logger = createLogger({ name: 'orchestration', level: 'silent' });
  const snapshot = new FlagSnapshot(store, logger, 50);
  snapshot.start();
  const app = await buildApp({
    serviceName: 'orchestration',
    version: 'test',
    logger,
    auth: { secret: TEST_SECRET, apiKeys: [{ id: 'storefront', roles: [], sha256: hashApiKey(TEST_API_KEY) }] },
    readiness: { flags: snapshot.readiness },
  });
  await registerFlagRoutes(app, { store, snapshot, now: () => new Date() });
  await app.ready();
  return {
    app,
    store,
    snapshot,
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    async eventsOf(stream) {
      return (await store.readStream(stream)).map((e) => ({ type: e.type, data: e.data }));
    },
    async settled(...streams) {
      // The last position of each stream, read from the stream itself: a global head would trail it while other
      // transactions of the cluster are open (the store holds back what a reader could otherwise skip).
      let target = 0n;
      for (const stream of streams) {
        const last = (await store.readStream(stream)).at(-1);
        if (last && last.position > target) target = last.position;
      }
      await vi.waitFor(
        () => {
          if (snapshot.position < target)
            throw new Error(`flag snapshot at ${snapshot.position}, waiting for ${target}`);
        },
        { timeout: 10_000, interval: 10 },
      );
    },
    async close() {
      await app.close();
      await snapshot.stop();
      await store.close();
      await database.drop();
    },
  };
}
