import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  type Actor,
  anomalyEvents,
  deploymentEvents,
  type EventCatalogue,
  incidentEvents,
  releaseEvents,
} from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { createRelay, ensureBusStreams, type Relay } from '@railyard/messaging';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
import { createTestDatabase, type TestDatabase, testInfra, testSubjectPrefix, waitFor } from '@railyard/testing';
import pg from 'pg';
import { type GovernanceRuntime, type GovernanceRuntimeOptions, startGovernanceRuntime } from '../runtime.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';
/** The analyst's password in every test file: the role is cluster-wide, so all files must set the same one. */
export const ANALYST_PASSWORD = 'analyst-test-password-0123';

/** An event of another service (or of governance's own history), at the instant it happened. */
export interface HistoryEvent {
  stream: string;
  type: string;
  data: Record<string, unknown>;
  at: string;
  actor?: string;
}

// Every event a test writes must match the agreed contracts, as the producing services' would.
const CATALOGUE: EventCatalogue = {
  ...(deploymentEvents as unknown as EventCatalogue),
  ...(releaseEvents as unknown as EventCatalogue),
  ...(anomalyEvents as unknown as EventCatalogue),
  ...(incidentEvents as unknown as EventCatalogue),
};

export interface GovernanceFixture {
  app: App;
  store: PostgresEventStore;
  pool: pg.Pool;
  runtime: GovernanceRuntime;
  database: TestDatabase;
  bus: { prefix: string; stream: string };
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /** Appends events to the store as their producers would (validated against the contracts), in the order given. */
  append(events: readonly HistoryEvent[]): Promise<void>;
  /** The first row of a query on the service's database, once `ready` holds for it. */
  until<T extends Record<string, unknown>>(what: string, text: string, ready: (row: T) => boolean): Promise<T>;
  close(): Promise<void>;
}

/**
 * Governance on a fresh database and its own bus prefix, with the relays orchestration, planning and monitoring run
 * in their own processes (the store here stands in for the shared one). `seed` writes history before governance
 * starts, so its consumers must catch up from the store.
 */
export async function startGovernance(
  label: string,
  options: {
    seed?: (append: GovernanceFixture['append']) => Promise<void>;
    now?: () => Date;
    notify?: GovernanceRuntimeOptions['notify'];
  } = {},
): Promise<GovernanceFixture> {
  const database = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  const pool = new pg.Pool({ connectionString: database.url, max: 24 });
  // Connections die when the database is dropped at the end; held ones too must not crash the worker.
  watchPoolErrors(pool, () => {});
  const { natsUrl } = await testInfra();
  const nc: NatsConnection = await connect({ servers: natsUrl });
  const prefix = testSubjectPrefix(label);
  const jsm = await jetstreamManager(nc);
  const streams = await ensureBusStreams(jsm, { prefix, name: prefix.toUpperCase() });

  const append: GovernanceFixture['append'] = async (events) => {
    for (const e of events) {
      const definition = CATALOGUE[e.type];
      if (!definition) throw new TypeError(`no contract for ${e.type}`);
      const actor: Actor = { id: e.actor ?? 'someone', kind: 'user', roles: ['sre'] };
      await store.append(
        e.stream,
        [
          {
            id: randomUUID(),
            type: e.type,
            data: definition.schema.parse(e.data) as Record<string, unknown>,
            metadata: {
              occurredAt: e.at,
              actor,
              correlationId: randomUUID(),
              causationId: randomUUID(),
              schemaVersion: definition.version,
            },
          },
        ],
        'any',
      );
    }
  };
  await options.seed?.(append);

  const runtime = await startGovernanceRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    busStream: streams.stream,
    analystPassword: ANALYST_PASSWORD,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'governance', level: 'silent' }),
    sealIntervalMs: false,
    schedulerIntervalMs: false,
    now: options.now,
    notify: options.notify,
  });
  const relays: Relay[] = [];
  for (const service of ['orchestration', 'planning', 'monitoring'] as const) {
    const relay = createRelay({ store, js: jetstream(nc), pool, service, subjectPrefix: prefix, lockPollMs: 50 });
    await relay.start();
    relays.push(relay);
  }

  return {
    app: runtime.app,
    store,
    pool,
    runtime,
    database,
    bus: { prefix, stream: streams.stream },
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    append,
    async until(what, text, ready) {
      return waitFor(what, async () => {
        const row = (await pool.query(text)).rows[0];
        return row && ready(row) ? row : undefined;
      });
    },
    async close() {
      for (const relay of relays) await relay.stop();
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
