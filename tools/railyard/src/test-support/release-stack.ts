import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ServiceName } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { createRelay, ensureBusStreams, type Relay } from '@railyard/messaging';
import type { PipelineRuntime } from '@railyard/pipeline/runtime';
import { createTestDatabase, type TestDatabase, testInfra, testSubjectPrefix, waitFor } from '@railyard/testing';
import pg from 'pg';

/**
 * What the in-process release scenarios (release, held canary, deployment, canary rollback) share: one database, one
 * event store and pool for every runtime (as in production), a NATS connection and a bus of the scenario's own
 * prefix, and the small helpers they all use. The runtimes themselves differ per scenario and stay in each file.
 */
export interface ScenarioInfra {
  db: TestDatabase;
  store: PostgresEventStore;
  pool: pg.Pool;
  nc: NatsConnection;
  prefix: string;
  streams: { stream: string; deadLetterStream: string };
  /** Starts these services' relays (as each runs in its own process); close() stops them. */
  startRelays(services: readonly ServiceName[]): Promise<void>;
  /** Stops the relays, deletes the bus streams, closes NATS, the pool and the store, drops the database (after the runtimes closed). */
  close(): Promise<void>;
}

export async function startScenarioInfra(label: string): Promise<ScenarioInfra> {
  const db = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: db.url, pollIntervalMs: 20 });
  await store.ready();
  const pool = new pg.Pool({ connectionString: db.url, max: 20 });
  watchPoolErrors(pool, () => {});
  const nc = await connect({ servers: (await testInfra()).natsUrl });
  const prefix = testSubjectPrefix(label);
  const streams = await ensureBusStreams(await jetstreamManager(nc), { prefix, name: prefix.toUpperCase() });
  const relays: Relay[] = [];
  return {
    db,
    store,
    pool,
    nc,
    prefix,
    streams,
    async startRelays(services) {
      for (const service of services) {
        const relay = createRelay({ store, js: jetstream(nc), pool, service, subjectPrefix: prefix, lockPollMs: 50 });
        await relay.start();
        relays.push(relay);
      }
    },
    async close() {
      for (const relay of relays) await relay.stop();
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(prefix.toUpperCase()).catch(() => {});
      await jsm.streams.delete(`${prefix.toUpperCase()}_DLQ`).catch(() => {});
      await nc.drain();
      await pool.end();
      await store.close();
      await db.drop();
    },
  };
}

export const system = (id: string) => ({ id, kind: 'system' as const, roles: [] });

/** Event metadata as another service would have written it. */
export const metadata = (actor: string, correlationId: string = randomUUID()) => ({
  occurredAt: new Date().toISOString(),
  actor: system(actor),
  correlationId,
  causationId: correlationId,
  schemaVersion: 1,
});

/** An in-process request to a runtime's app. */
export const inject = (
  app: PipelineRuntime['app'],
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  headers: Record<string, string>,
  payload?: object,
) => app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

/** Polls `probe` until it returns a value (`waitFor` with this file's longer default). */
export function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, probe, { timeoutMs });
}
