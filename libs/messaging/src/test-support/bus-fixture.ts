import { randomUUID } from 'node:crypto';
import {
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { EventMetadata } from '@railyard/contracts';
import {
  createPostgresEventStore,
  type EventToAppend,
  type PostgresEventStore,
  watchPoolErrors,
} from '@railyard/eventstore';
import { createTestDatabase, type TestDatabase, testInfra, testSubjectPrefix } from '@railyard/testing';
import pg from 'pg';
import { type BusStreamNames, ensureBusStreams } from '../bus-streams.js';

/** One test file's world: its own database, event store, subject prefix and JetStream streams. */
export interface BusFixture {
  db: TestDatabase;
  pool: pg.Pool;
  store: PostgresEventStore;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  prefix: string;
  streams: BusStreamNames;
  cleanup(): Promise<void>;
}

/** Sets up a fresh database, Postgres event store and bus streams for one test file. */
export async function createBusFixture(label: string): Promise<BusFixture> {
  const infra = await testInfra();
  const db = await createTestDatabase(label);
  const pool = new pg.Pool({ connectionString: db.url, max: 20 });
  // Connections die when a test terminates backends or drops the database, idle or held by a projection or
  // relay still stopping: expected here, and it must not take the test worker down with it.
  watchPoolErrors(pool, () => {});
  const store = createPostgresEventStore({ connectionString: db.url, pollIntervalMs: 50 });
  const nc = await connect({ servers: infra.natsUrl });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const prefix = testSubjectPrefix(label);
  const streams = await ensureBusStreams(jsm, { prefix, name: prefix.toUpperCase() });
  return {
    db,
    pool,
    store,
    nc,
    js,
    jsm,
    prefix,
    streams,
    async cleanup() {
      await jsm.streams.delete(streams.stream).catch(() => {});
      await jsm.streams.delete(streams.deadLetterStream).catch(() => {});
      await nc.close();
      // Drop first (it terminates sessions): after a failed test a relay may still hold a pooled connection,
      // and pool.end() would wait for it forever.
      await db.drop();
      await store.close().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

/** Valid event metadata for tests; `overrides` set trace context and the like. */
export function testMetadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    occurredAt: new Date().toISOString(),
    actor: { id: 'test-user', kind: 'user', roles: ['release-manager'] },
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
    ...overrides,
  };
}

/** An event to append, with a fresh id. */
export function testEvent(
  type: string,
  data: Record<string, unknown> = {},
  metadata?: Partial<EventMetadata>,
): EventToAppend {
  return { id: randomUUID(), type, data, metadata: testMetadata(metadata) };
}

/** The one polling helper of the repository (libs/testing), re-exported for the bus suites. */
export { waitFor } from '@railyard/testing';

/** How many messages a JetStream stream holds. */
export async function streamMessageCount(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}

/**
 * Up to `expected` messages of a JetStream stream (optionally one subject, as a string: NATS 2.9 has no
 * multi-filter consumers), in stream order, read with an ordered consumer. Stops early when none arrive.
 */
export async function readMessages(
  js: JetStreamClient,
  stream: string,
  expected: number,
  filterSubject?: string,
): Promise<JsMsg[]> {
  const consumer = await js.consumers.get(stream, filterSubject ? { filter_subjects: filterSubject } : {});
  const out: JsMsg[] = [];
  while (out.length < expected) {
    const batch = await consumer.fetch({ max_messages: expected - out.length, expires: 2000 });
    let got = 0;
    for await (const m of batch) {
      out.push(m);
      got++;
    }
    if (got === 0) break;
  }
  return out;
}
