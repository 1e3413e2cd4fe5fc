import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { consumerName, deadLetterSubject, streamName, subjectFilter } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { createConsumer, ensureBusStreams } from '@railyard/messaging';
import { type AnyTransaction, createDb } from '@railyard/readmodels';
import {
  createTestDatabase,
  type TestDatabase,
  testInfra,
  testSubjectPrefix,
  toAppend,
  waitFor,
} from '@railyard/testing';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { createLogger } from './logging.js';
import { poolStarvedAtStart } from './service-main.js';
import { type AppKit, startServiceRuntime } from './service-runtime.js';

interface SeenDb {
  'planning.seen': { event_id: string };
}

const logger = createLogger({ name: 'runtime-test', level: 'silent' });
let database: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;
let nc: NatsConnection;
let bus: { prefix: string; stream: string; deadLetterStream: string };

beforeAll(async () => {
  database = await createTestDatabase('svcruntime');
  store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  pool = new pg.Pool({ connectionString: database.url, max: 10 });
  watchPoolErrors(pool, () => {});
  nc = await connect({ servers: (await testInfra()).natsUrl });
  const prefix = testSubjectPrefix('svcruntime');
  const streams = await ensureBusStreams(await jetstreamManager(nc), { prefix, name: prefix.toUpperCase() });
  bus = { prefix, ...streams };
});

afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(bus.stream).catch(() => {});
  await jsm.streams.delete(bus.deadLetterStream).catch(() => {});
  await nc.close();
  await pool.end();
  await store.close();
  await database.drop();
});

const base = () => ({
  service: 'planning' as const,
  store,
  pool,
  logger,
  auth: { secret: 'runtime-test-secret-that-is-long-enough' },
  sealIntervalMs: false as const,
});

describe('startServiceRuntime', () => {
  it('migrates, runs projections, parts and consumers, serves the app, and closes everything newest first', async () => {
    const closed: string[] = [];
    const labels: string[] = [];
    const runtime = await startServiceRuntime<SeenDb, 'seen', { label: string }>({
      ...base(),
      nats: nc,
      subjectPrefix: bus.prefix,
      busStream: bus.stream,
      migrations: {
        '0001_seen': {
          up: async (db) => {
            await db.schema
              .createTable('seen')
              .addColumn('event_id', 'uuid', (c) => c.primaryKey())
              .execute();
          },
        },
      },
      projections: {
        seen: {
          name: 'seen',
          schema: 'planning',
          filter: { categories: ['release'] },
          project: async (trx, event) => {
            await sql`INSERT INTO planning.seen (event_id) VALUES (${event.id})`.execute(trx);
          },
        },
      },
      parts: ({ onClose }) => {
        onClose('first part', () => closed.push('first part'));
        onClose('second part', () => closed.push('second part'));
        return { label: 'parts reach the app' };
      },
      consumers: (b, { pool }) => {
        const name = consumerName('planning', 'runtime-probe');
        return [
          createConsumer({
            js: b.js,
            jsm: b.jsm,
            pool,
            stream: b.stream,
            durableName: name,
            filterSubject: subjectFilter(b.subjectPrefix, 'planning', 'release'),
            deadLetterSubject: deadLetterSubject(b.subjectPrefix, name),
            handler: async () => {},
          }),
        ];
      },
      buildApp: async ({ parts, kit }) => {
        const app = await buildApp({ ...kit, serviceName: 'planning', version: 'test' });
        labels.push(parts.label);
        app.addHook('onClose', async () => {
          closed.push('app');
        });
        return app;
      },
    });
    expect(runtime.relay).toBeDefined();
    expect(labels).toEqual(['parts reach the app']);
    expect(runtime.consumers.map((c) => c.name)).toEqual(['planning--runtime-probe']);

    const appended = await store.append(
      streamName('release', '0193a0b0-0000-7000-8000-000000000001'),
      [toAppend({ type: 'ReleaseProbed', data: {} })],
      'noStream',
    );
    await runtime.projections.seen.waitFor(appended.lastPosition);
    const rows = await runtime.db.selectFrom('planning.seen').selectAll().execute();
    expect(rows).toHaveLength(1);
    // The consumer is started on the bus: it receives what the relay publishes.
    await waitFor('the consumer to handle the event', () => runtime.consumers[0]!.status().handled === 1);
    const ready = await runtime.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toHaveProperty('store');

    await runtime.close();
    expect(closed).toEqual(['app', 'second part', 'first part']);
    expect(runtime.projections.seen.status().state).toBe('stopped');
    expect(runtime.consumers[0]!.status().state).toBe('stopped');
  });

  it('runs no background work in a web process, and its read-your-writes waits follow the worker', async () => {
    const seenMigrations = {
      '0001_seen': {
        up: async (db: Kysely<unknown>) => {
          await db.schema
            .createTable('seen')
            .ifNotExists()
            .addColumn('event_id', 'uuid', (c) => c.primaryKey())
            .execute();
        },
      },
    };
    const consumersAskedBy: string[] = [];
    const options = (role: 'web' | 'worker') => ({
      ...base(),
      role,
      nats: nc,
      subjectPrefix: bus.prefix,
      busStream: bus.stream,
      migrations: seenMigrations,
      projections: {
        seen: {
          name: 'seen-by-role',
          schema: 'planning',
          filter: { categories: ['release'] },
          project: async (trx: AnyTransaction, event: { id: string }) => {
            await sql`INSERT INTO planning.seen (event_id) VALUES (${event.id}) ON CONFLICT DO NOTHING`.execute(trx);
          },
        },
      },
      consumers: () => {
        consumersAskedBy.push(role);
        return [];
      },
      buildApp: async ({ kit }: { kit: AppKit }) => buildApp({ ...kit, serviceName: 'planning', version: 'test' }),
    });
    const seen = async (id: string) =>
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM planning.seen WHERE event_id = ${id}`.execute(
          createDb(pool),
        )
      ).rows[0]!.n;

    const web = await startServiceRuntime<SeenDb, 'seen'>(options('web'));
    let worker: Awaited<ReturnType<typeof startServiceRuntime<SeenDb, 'seen'>>> | undefined;
    try {
      expect(web.relay).toBeUndefined();
      expect(web.consumers).toEqual([]);
      expect(consumersAskedBy).toEqual([]);
      expect(web.projections.seen.status().state).toBe('stopped');
      const first = await store.append(
        streamName('release', '0193a0b0-0000-7000-8000-000000000002'),
        [toAppend({ type: 'ReleaseProbed', data: {} })],
        'noStream',
      );
      const firstId = (await store.readStream(streamName('release', '0193a0b0-0000-7000-8000-000000000002')))[0]!.id;
      // Nothing projects it while only the web process runs (a running projection here takes ~20 ms).
      await expect(web.projections.seen.waitFor(first.lastPosition, 500)).rejects.toThrow(/did not reach/);
      expect(await seen(firstId)).toBe(0);
      expect((await web.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

      worker = await startServiceRuntime<SeenDb, 'seen'>(options('worker'));
      expect(worker.relay).toBeDefined();
      expect(consumersAskedBy).toEqual(['worker']);
      // The web process's wait follows the checkpoint the worker commits.
      expect(await web.projections.seen.waitFor(first.lastPosition, 5000)).toBeGreaterThanOrEqual(first.lastPosition);
      expect(await seen(firstId)).toBe(1);
      expect(worker.projections.seen.isActive()).toBe(true);
    } finally {
      await worker?.close();
      await web.close();
    }
  });

  it('stops what it started when a later step fails, and rethrows', async () => {
    const closed: string[] = [];
    const failure = startServiceRuntime<SeenDb, never, void>({
      ...base(),
      parts: ({ onClose }) => {
        onClose('part', () => closed.push('part'));
      },
      buildApp: async () => {
        throw new Error('no app today');
      },
    });
    await expect(failure).rejects.toThrow('no app today');
    expect(closed).toEqual(['part']);
  });

  it('fails the start, naming DATABASE_POOL_MAX, when leases take the whole pool (it used to hang)', async () => {
    // Two connections: the relay's lease and the first projection's take both; nothing is left for the rest.
    const small = new pg.Pool({ connectionString: database.url, max: 2, connectionTimeoutMillis: 500 });
    watchPoolErrors(small, () => {});
    const projection = (name: string) => ({
      name,
      schema: 'planning',
      filter: { categories: ['release'] },
      project: async () => {},
    });
    try {
      const failure = startServiceRuntime<SeenDb, 'a' | 'b' | 'c', void>({
        ...base(),
        pool: small,
        nats: nc,
        subjectPrefix: bus.prefix,
        busStream: bus.stream,
        projections: { a: projection('starved-a'), b: projection('starved-b'), c: projection('starved-c') },
        consumers: (b, { pool }) => {
          const name = consumerName('planning', 'starved-probe');
          return [
            createConsumer({
              js: b.js,
              jsm: b.jsm,
              pool,
              stream: b.stream,
              durableName: name,
              filterSubject: subjectFilter(b.subjectPrefix, 'planning', 'release'),
              deadLetterSubject: deadLetterSubject(b.subjectPrefix, name),
              handler: async () => {},
            }),
          ];
        },
        buildApp: async ({ kit }) => buildApp({ ...kit, serviceName: 'planning', version: 'test' }),
      });
      const error = await failure.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(Error);
      const explained = poolStarvedAtStart(error, 'planning', {
        DATABASE_POOL_MAX: 2,
        DATABASE_CONNECT_TIMEOUT_MS: 500,
      });
      expect(explained?.message).toMatch(/^planning could not start: .* DATABASE_POOL_MAX=2 is too small/);
      expect(
        poolStarvedAtStart(new Error('no app today'), 'planning', {
          DATABASE_POOL_MAX: 2,
          DATABASE_CONNECT_TIMEOUT_MS: 500,
        }),
      ).toBeUndefined();
    } finally {
      await small.end();
    }
  }, 30_000);
});
