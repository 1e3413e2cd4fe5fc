import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createPostgresEventStore, type PostgresEventStore, type RecordedEvent } from '@railyard/eventstore';
import { ensureBusStreams } from '@railyard/messaging';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
import { createTestDatabase, testInfra, testSubjectPrefix } from '@railyard/testing';
import pg from 'pg';
import { type OrchestrationRuntime, startOrchestrationRuntime } from '../runtime.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface OrchestrationFixture {
  app: App;
  store: PostgresEventStore;
  pool: pg.Pool;
  runtime: OrchestrationRuntime;
  nc: NatsConnection;
  /** This file's subject prefix and the JetStream stream capturing it. */
  bus: { prefix: string; stream: string };
  /** The clock the app and the scheduler read; tests move it instead of sleeping. */
  clock: { now: Date };
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /** The events of a stream as `[type, data]`, for exact assertions. */
  events(stream: string): Promise<Pick<RecordedEvent, 'type' | 'data'>[]>;
  /** The store's head position: unchanged after a refused request proves it appended nothing. */
  head(): Promise<bigint>;
  /** Waits until every projection has applied everything the store holds now. */
  settle(): Promise<void>;
  /** Polls until `probe` returns a value (deadline, no sleeps beyond the poll interval). */
  until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** The orchestration service wired by the same runtime main() uses, on a fresh database and its own bus prefix. */
export async function startOrchestration(
  label: string,
  options: { start?: Date; schedulerIntervalMs?: number | false } = {},
): Promise<OrchestrationFixture> {
  const database = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  // Idle clients die when the database is dropped at the end; that is expected here.
  pool.on('error', () => {});
  const { natsUrl } = await testInfra();
  const nc: NatsConnection = await connect({ servers: natsUrl });
  const prefix = testSubjectPrefix(label);
  const jsm = await jetstreamManager(nc);
  const streams = await ensureBusStreams(jsm, { prefix, name: prefix.toUpperCase() });
  const clock = { now: options.start ?? new Date('2026-12-01T09:00:00Z') };
  const runtime = await startOrchestrationRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'orchestration', level: 'silent' }),
    sealIntervalMs: false,
    now: () => clock.now,
    // Off unless a test asks for it: most files drive the scheduler by moving the clock and calling tick().
    schedulerIntervalMs: options.schedulerIntervalMs ?? false,
  });
  const until: OrchestrationFixture['until'] = async (what, probe, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return {
    app: runtime.app,
    store,
    pool,
    runtime,
    nc,
    bus: { prefix, stream: streams.stream },
    clock,
    until,
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    async events(stream) {
      return (await store.readStream(stream)).map((e) => ({ type: e.type, data: e.data }));
    },
    head: () => store.headPosition(),
    async settle() {
      const head = await store.headPosition();
      await Promise.all(Object.values(runtime.runners).map((r) => r.waitFor(head, 10_000)));
    },
    async close() {
      await runtime.close();
      await jsm.streams.delete(streams.stream).catch(() => {});
      await jsm.streams.delete(streams.deadLetterStream).catch(() => {});
      await nc.drain();
      await pool.end();
      await store.close();
      await database.drop();
    },
  };
}
