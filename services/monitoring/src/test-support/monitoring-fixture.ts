import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AnalysisTemplate } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { createRelay, ensureBusStreams, type Relay } from '@railyard/messaging';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
import { createTestDatabase, type TestDatabase, testInfra, testSubjectPrefix } from '@railyard/testing';
import pg from 'pg';
import { type MonitoringRuntime, type MonitoringRuntimeOptions, startMonitoringRuntime } from '../runtime.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface MonitoringFixture {
  app: App;
  store: PostgresEventStore;
  pool: pg.Pool;
  runtime: MonitoringRuntime;
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /** The events of one stream, as types and data, oldest first. */
  eventsOf(stream: string): Promise<{ id: string; type: string; data: Record<string, unknown> }[]>;
  /**
   * Appends another service's events (planning, orchestration) to the shared store as that service would; with a
   * bus, that service's relay carries them to NATS under this file's prefix, where monitoring's consumers read them.
   */
  appendAs(actor: string, stream: string, events: { type: string; data: object }[]): Promise<string[]>;
  close(): Promise<void>;
}

export interface MonitoringFixtureOptions {
  /** Start the bus: this file's prefix and streams, the relays of planning and orchestration, the consumers. */
  bus?: boolean;
  analysisTemplate?: AnalysisTemplate;
  now?: () => Date;
  /** Extra runtime options (metrics sources, escalation targets …). */
  runtime?: Partial<MonitoringRuntimeOptions>;
}

/** The monitoring service wired by the runtime main() uses, on a fresh database (and its own bus prefix). */
export async function startMonitoring(
  label: string,
  options: MonitoringFixtureOptions = {},
): Promise<MonitoringFixture> {
  const database: TestDatabase = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  // Clients die when the database is dropped at the end; held ones too must not crash the worker.
  watchPoolErrors(pool, () => {});
  let nc: NatsConnection | undefined;
  let bus: { prefix: string; stream: string; deadLetterStream: string } | undefined;
  const relays: Relay[] = [];
  if (options.bus) {
    const { natsUrl } = await testInfra();
    nc = await connect({ servers: natsUrl });
    const prefix = testSubjectPrefix(label);
    const streams = await ensureBusStreams(await jetstreamManager(nc), { prefix, name: prefix.toUpperCase() });
    bus = { prefix, ...streams };
  }
  const runtime = await startMonitoringRuntime({
    store,
    pool,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'monitoring', level: 'silent' }),
    sealIntervalMs: false,
    analysisTickMs: false,
    journeyTickMs: false,
    analysisTemplate: options.analysisTemplate,
    now: options.now,
    ...(nc && bus ? { nats: nc, subjectPrefix: bus.prefix, busStream: bus.stream } : {}),
    ...options.runtime,
  });
  if (nc && bus) {
    // The relays of the services monitoring listens to, as they run in their own processes.
    for (const service of ['planning', 'orchestration'] as const) {
      const relay = createRelay({ store, js: jetstream(nc), pool, service, subjectPrefix: bus.prefix, lockPollMs: 50 });
      await relay.start();
      relays.push(relay);
    }
  }
  return {
    app: runtime.app,
    store,
    pool,
    runtime,
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    async eventsOf(stream) {
      return (await store.readStream(stream)).map((e) => ({ id: e.id, type: e.type, data: e.data }));
    },
    async appendAs(actor, stream, events) {
      const correlationId = randomUUID();
      const metadata = {
        occurredAt: new Date().toISOString(),
        actor: { id: actor, kind: 'system' as const, roles: [] },
        correlationId,
        causationId: correlationId,
        schemaVersion: 1,
      };
      const toAppend = events.map((e) => ({
        id: randomUUID(),
        type: e.type,
        data: e.data as Record<string, unknown>,
        metadata,
      }));
      await store.append(stream, toAppend, 'any');
      return toAppend.map((e) => e.id);
    },
    async close() {
      for (const relay of relays) await relay.stop();
      await runtime.close();
      if (nc && bus) {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.delete(bus.stream).catch(() => {});
        await jsm.streams.delete(bus.deadLetterStream).catch(() => {});
        await nc.drain();
      }
      await pool.end();
      await store.close();
      await database.drop();
    },
  };
}
