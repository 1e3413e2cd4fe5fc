import { createPostgresEventStore, type PostgresEventStore } from '@railyard/eventstore';
import { appendedSince, createTestDatabase, type TestDatabase } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from './checkpoints.js';
import { type AnyDb, createDb } from './db.js';
import type { ProjectionLogger } from './projection.js';
import { createProjectionRunner, type ProjectionRunner } from './projection-runner.js';
import { ProjectionBusyError, rebuildProjection } from './rebuild-projection.js';
import {
  appliedBatchProjection,
  appliedProjection,
  appliedRows,
  resetApplied,
  setUpAppliedSchema,
  streamTotals,
} from './test-support/applied-projection.js';
import { testEvent } from './test-support/events.js';

const SCHEMA = 'rebuild_test';
const FILTER = { categories: ['rbItem'] };
let tdb: TestDatabase;
let store: PostgresEventStore;
let db: AnyDb;
let runner: ProjectionRunner | undefined;
const silent: ProjectionLogger = { info() {}, warn() {}, error() {} };

const options = () => ({
  store,
  db,
  name: 'applied',
  schema: SCHEMA,
  filter: FILTER,
  project: appliedProjection(SCHEMA),
  logger: silent,
});

/** Appends `count` events over 40 streams, three event types, interleaved with events the filter excludes. */
async function appendMixed(count: number, from = 0): Promise<void> {
  for (let i = from; i < from + count; i += 10) {
    const stream = `rbItem-${(i / 10) % 40}`;
    const events = Array.from({ length: Math.min(10, from + count - i) }, (_, k) =>
      testEvent(['ItemAdded', 'ItemPriced', 'ItemRemoved'][(i + k) % 3]!, { amount: i + k }),
    );
    await store.append(stream, events, 'any');
    await store.append(`rbNoise-${i % 7}`, [testEvent('NoiseMade', { amount: 1 })], 'any');
  }
}

/** The newest position of the filtered events, read up to a fresh marker (a global read may trail commits). */
async function lastPosition(): Promise<bigint> {
  return (await appendedSince(store, 0n, FILTER)).at(-1)!.position;
}

beforeAll(async () => {
  tdb = await createTestDatabase('rmRebuild');
  store = createPostgresEventStore({ connectionString: tdb.url, pollIntervalMs: 20 });
  await store.ready();
  db = createDb(tdb.url);
  await setUpAppliedSchema(db, SCHEMA);
});

afterAll(async () => {
  await runner?.stop();
  await db?.destroy();
  await store?.close();
  await tdb?.drop();
});

describe('rebuildProjection', () => {
  it('gives exactly the rows of the live projection, and the runner continues from where it left off', async () => {
    await appendMixed(1200);
    runner = createProjectionRunner({ ...options(), batchSize: 100 });
    await runner.start();
    const head = await lastPosition();
    await runner.waitFor(head, 20_000);
    const liveTotals = await streamTotals(db, SCHEMA);
    const liveApplied = (await appliedRows(db, SCHEMA)).map(({ txid: _txid, ...row }) => row);
    expect(liveApplied).toHaveLength(1200);
    expect(liveTotals).toHaveLength(40);

    await expect(rebuildProjection({ ...options(), reset: (trx) => resetApplied(trx, SCHEMA) })).rejects.toThrow(
      ProjectionBusyError,
    );
    await runner.stop();

    const result = await rebuildProjection({ ...options(), batchSize: 500, reset: (trx) => resetApplied(trx, SCHEMA) });
    expect(result.events).toBe(1200);
    expect(result.position).toBe(head);
    expect(result.ms).toBeGreaterThan(0);
    expect(await readCheckpoint(db, SCHEMA, 'applied')).toBe(head);
    expect(await streamTotals(db, SCHEMA)).toEqual(liveTotals);
    const rebuilt = await appliedRows(db, SCHEMA);
    expect(rebuilt.map(({ txid: _txid, ...row }) => row)).toEqual(liveApplied);
    // Pages of 500 → three transactions, not one per event.
    expect(new Set(rebuilt.map((row) => String(row.txid))).size).toBe(3);

    // A batch-at-a-time fold of the same projection rebuilds the same rows too.
    const batched = await rebuildProjection({
      ...options(),
      project: undefined,
      projectBatch: appliedBatchProjection(SCHEMA),
      reset: (trx) => resetApplied(trx, SCHEMA),
    });
    expect(batched).toMatchObject({ events: 1200, position: head });
    expect(await streamTotals(db, SCHEMA)).toEqual(liveTotals);
    expect((await appliedRows(db, SCHEMA)).map(({ txid: _txid, ...row }) => row)).toEqual(liveApplied);

    await appendMixed(30, 1200);
    await runner.start();
    await runner.waitFor(await lastPosition(), 20_000);
    const after = await appliedRows(db, SCHEMA);
    expect(after).toHaveLength(1230);
    expect(new Set(after.map((row) => row.event_id)).size).toBe(1230);
  });
});
