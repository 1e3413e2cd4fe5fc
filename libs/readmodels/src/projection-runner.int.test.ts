import { createPostgresEventStore, type PostgresEventStore } from '@railyard/eventstore';
import { createTestDatabase, type TestDatabase, waitFor } from '@railyard/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from './checkpoints.js';
import { type AnyDb, createDb } from './db.js';
import { projectionLagHeaders } from './lag-headers.js';
import { ProjectionFailedError, type ProjectionLogger, projectionLockKey } from './projection.js';
import { createProjectionRunner, type ProjectionRunner } from './projection-runner.js';
import {
  appliedBatchProjection,
  appliedProjection,
  appliedRows,
  setUpAppliedSchema,
} from './test-support/applied-projection.js';
import { testEvent } from './test-support/events.js';

let tdb: TestDatabase;
let store: PostgresEventStore;
let db: AnyDb;
const runners: ProjectionRunner[] = [];
// Generous: other test files' transactions on the same server can hold back what the store shows for a while.
const WAIT_MS = 20_000;
const extraDbs: AnyDb[] = [];

const quietLogger = (): ProjectionLogger & { errors: unknown[] } => {
  const errors: unknown[] = [];
  return { errors, info() {}, warn() {}, error: (obj) => errors.push(obj.err) };
};

/** Appends `count` events to streams of `category` (one stream per 3 events); returns their positions. */
async function appendEvents(category: string, count: number, from = 0): Promise<bigint[]> {
  const positions: bigint[] = [];
  for (let i = from; i < from + count; i++) {
    const r = await store.append(`${category}-${Math.floor(i / 3)}`, [testEvent('ItemAdded', { amount: i })], 'any');
    positions.push(r.lastPosition);
  }
  return positions;
}

/** Waits until the store shows every one of `positions` (they may hide behind other transactions for a while). */
async function allVisible(category: string, positions: bigint[]): Promise<void> {
  const shown = async () => (await store.headPosition({ categories: [category] })) >= positions.at(-1)!;
  await waitFor('the store to show the appended events', shown, { timeoutMs: WAIT_MS });
}

function runner(schema: string, category: string, extra: Partial<Parameters<typeof createProjectionRunner>[0]> = {}) {
  const r = createProjectionRunner({
    store,
    db,
    name: 'applied',
    schema,
    filter: { categories: [category] },
    project: appliedProjection(schema),
    logger: quietLogger(),
    retryDelayMs: 20,
    ...extra,
  });
  runners.push(r);
  return r;
}

beforeAll(async () => {
  tdb = await createTestDatabase('rmRunner');
  store = createPostgresEventStore({ connectionString: tdb.url, pollIntervalMs: 20 });
  await store.ready();
  db = createDb(tdb.url);
});

afterAll(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  await Promise.all(extraDbs.map((d) => d.destroy()));
  await db?.destroy();
  await store?.close();
  await tdb?.drop();
});

describe('projection runner', () => {
  it('applies events from its checkpoint, reports position and lag, and waitFor resolves on the checkpoint', async () => {
    const schema = 'run_basic';
    await setUpAppliedSchema(db, schema);
    const before = await appendEvents('basicItem', 5);
    const r = runner(schema, 'basicItem');
    // The store shows an event once no older transaction is in flight on the server, hence eventually.
    await waitFor('lag to count the five events', async () => (await r.lag()) === 5, { timeoutMs: WAIT_MS });

    await r.start();
    expect(await r.waitFor(before.at(-1)!, WAIT_MS)).toBe(before.at(-1)!);
    expect(await r.position()).toBe(before.at(-1)!);
    expect(await r.lag()).toBe(0);
    expect(await projectionLagHeaders(r)).toEqual({
      'x-projection-position': before.at(-1)!.toString(),
      'x-projection-lag': '0',
    });

    const live = await appendEvents('basicItem', 3, 5);
    await r.waitFor(live.at(-1)!, WAIT_MS);
    const rows = await appliedRows(db, schema);
    expect(rows.map((row) => row.position)).toEqual([...before, ...live]);
    expect(await readCheckpoint(db, schema, 'applied')).toBe(live.at(-1)!);

    await expect(r.waitFor(live.at(-1)! + 1000n, 50)).rejects.toThrow(/did not reach/);
  });

  it('folds batches with projectBatch, and refuses options with neither or both folds', async () => {
    const schema = 'run_batchfold';
    await setUpAppliedSchema(db, schema);
    const positions = await appendEvents('foldItem', 7);
    const r = runner(schema, 'foldItem', { project: undefined, projectBatch: appliedBatchProjection(schema) });
    await r.start();
    await r.waitFor(positions.at(-1)!, WAIT_MS);
    expect((await appliedRows(db, schema)).map((row) => row.position)).toEqual(positions);
    expect(() => runner(schema, 'foldItem', { project: undefined })).toThrow(/exactly one of project and projectBatch/);
    expect(() => runner(schema, 'foldItem', { projectBatch: appliedBatchProjection(schema) })).toThrow(/exactly one/);
  });

  it('stops cleanly when stopped right after start, before or while taking the lock', async () => {
    const schema = 'run_quickstop';
    await setUpAppliedSchema(db, schema);
    for (let i = 0; i < 5; i++) {
      const r = runner(schema, 'quickItem');
      await r.start();
      await r.stop();
      expect(r.status().state).toBe('stopped');
    }
    const positions = await appendEvents('quickItem', 2);
    const last = runner(schema, 'quickItem');
    await last.start();
    await last.waitFor(positions.at(-1)!, WAIT_MS);
    await last.stop();
  });

  it('skips events outside its filter and still reports no lag when caught up', async () => {
    const schema = 'run_filter';
    await setUpAppliedSchema(db, schema);
    const mine = await appendEvents('filterMine', 2);
    await appendEvents('filterOther', 4);
    const r = runner(schema, 'filterMine');
    await r.start();
    await r.waitFor(mine.at(-1)!, WAIT_MS);
    expect((await appliedRows(db, schema)).map((row) => row.position)).toEqual(mine);
    expect(await r.lag()).toBe(0);
  });

  it('groups events that are already available into transactions of at most batchSize', async () => {
    const schema = 'run_batch';
    await setUpAppliedSchema(db, schema);
    const positions = await appendEvents('batchItem', 25);
    const r = runner(schema, 'batchItem', { batchSize: 10 });
    await allVisible('batchItem', positions);
    await r.start();
    await r.waitFor(positions.at(-1)!, WAIT_MS);
    const rows = await appliedRows(db, schema);
    const perTx = new Map<string, number>();
    for (const row of rows) perTx.set(String(row.txid), (perTx.get(String(row.txid)) ?? 0) + 1);
    const sizes = [...perTx.values()];
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.max(...sizes)).toBe(10);
    expect(sizes.length).toBeLessThanOrEqual(4);
  });

  it('commits rows and checkpoint together: a failing event rolls back its whole batch, a restart applies each event once', async () => {
    const schema = 'run_crash';
    await setUpAppliedSchema(db, schema);
    const positions = await appendEvents('crashItem', 10);
    const poison = positions[5]!;
    const logger = quietLogger();
    const failing = runner(schema, 'crashItem', {
      batchSize: 4,
      logger,
      project: appliedProjection(schema, (e) => {
        if (e.position === poison) throw new Error('projection bug');
      }),
    });
    // Once the store shows all ten, pages of 4 are all available: batches are events 1-4, 5-8, 9-10.
    await allVisible('crashItem', positions);
    await failing.start();
    const error = await waitFor('the projection to fail', () => failing.status().lastError, { timeoutMs: WAIT_MS });
    expect(error).toBeInstanceOf(ProjectionFailedError);
    expect(error.message).toContain(`position ${poison}`);
    expect(logger.errors.length).toBeGreaterThan(0);

    // Events 1-4 were one committed batch; 5-8 (5 succeeded, 6 threw) rolled back with the checkpoint.
    const rows = await appliedRows(db, schema);
    expect(rows.map((row) => row.position)).toEqual(positions.slice(0, 4));
    expect(rows.map((row) => row.position)).not.toContain(positions[4]);
    expect(await readCheckpoint(db, schema, 'applied')).toBe(positions[3]!);
    expect(await failing.position()).toBe(positions[3]!);
    await failing.stop();

    const fixed = runner(schema, 'crashItem', { batchSize: 4 });
    await fixed.start();
    await fixed.waitFor(positions.at(-1)!, WAIT_MS);
    const after = await appliedRows(db, schema);
    expect(after.map((row) => row.position)).toEqual(positions);
    expect(new Set(after.map((row) => row.event_id)).size).toBe(10);
    expect(fixed.status().lastError).toBeUndefined();
  });

  it('runs single-active across replicas: the standby waits, serves waitFor from the table, and takes over', async () => {
    const schema = 'run_ha';
    await setUpAppliedSchema(db, schema);
    const replica = (): ProjectionRunner => {
      const own = createDb(tdb.url, { maxConnections: 3 });
      extraDbs.push(own);
      return runner(schema, 'haItem', { db: own });
    };
    const a = replica();
    const b = replica();
    await Promise.all([a.start(), b.start()]);
    await waitFor('one replica to become active', () => a.isActive() || b.isActive(), { timeoutMs: WAIT_MS });
    const [active, standby] = a.isActive() ? [a, b] : [b, a];
    expect(standby.isActive()).toBe(false);
    expect(standby.status().state).toBe('standby');

    // A third replica that stops while waiting for the lock leaves cleanly and disturbs no one.
    const c = replica();
    await c.start();
    expect(c.status().state).toBe('standby');
    await c.stop();
    expect(c.status().state).toBe('stopped');
    expect(active.isActive()).toBe(true);

    const first = await appendEvents('haItem', 5);
    await active.waitFor(first.at(-1)!, WAIT_MS);
    expect(await standby.waitFor(first.at(-1)!, WAIT_MS)).toBe(first.at(-1)!);
    expect(standby.isActive()).toBe(false);

    await active.stop();
    await waitFor('the standby to take over', () => standby.isActive(), { timeoutMs: WAIT_MS });
    const second = await appendEvents('haItem', 5, 5);
    await standby.waitFor(second.at(-1)!, WAIT_MS);
    const rows = await appliedRows(db, schema);
    expect(rows.map((row) => row.position)).toEqual([...first, ...second]);
  });

  it('survives its lock session being terminated: loses the lease, reconnects, takes it again, applies each event once', async () => {
    const schema = 'run_terminated';
    await setUpAppliedSchema(db, schema);
    const logger = quietLogger();
    const r = runner(schema, 'termItem', { logger, lockPollMs: 20 });
    await r.start();
    const first = await appendEvents('termItem', 4);
    await r.waitFor(first.at(-1)!, WAIT_MS);
    // The session holding this projection's lock (other runners of this file hold locks of their own).
    const key = projectionLockKey(schema, 'applied');
    const lockHolder = async () =>
      (
        await sql<{ pid: number }>`select pid from pg_locks where locktype = 'advisory' and granted
          and database = (select oid from pg_database where datname = current_database())
          and ((classid::bigint << 32) | objid::bigint) = (hashtextextended(${key}, 0) & x'ffffffffffffffff'::bigint)`.execute(
          db,
        )
      ).rows.map((row) => row.pid);
    const [pid] = await lockHolder();
    expect(pid).toBeDefined();
    // Without the lease's error listener, the idle checked-out lock session would crash this process here.
    await sql`select pg_terminate_backend(${pid})`.execute(db);
    await waitFor('the lease lost and reported', () => logger.errors.length > 0, { timeoutMs: WAIT_MS });
    await waitFor(
      'the lease taken again on a new session',
      async () => {
        const now = await lockHolder();
        return now.length === 1 && now[0] !== pid && r.isActive();
      },
      { timeoutMs: WAIT_MS },
    );
    const second = await appendEvents('termItem', 4, 4);
    await r.waitFor(second.at(-1)!, WAIT_MS);
    const rows = await appliedRows(db, schema);
    expect(rows.map((row) => row.position)).toEqual([...first, ...second]);
  });
});
