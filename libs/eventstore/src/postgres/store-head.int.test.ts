import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase, waitFor } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../port.js';
import { createPostgresEventStore, type PostgresEventStore } from './postgres-store.js';

let db: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;
/** Reads of the log by subscriptions (the store's scanned reads), counted as the pool sends them. */
let logReads = 0;

beforeAll(async () => {
  db = await createTestDatabase('storehead');
  pool = new pg.Pool({ connectionString: db.url, max: 6 });
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('WITH h AS MATERIALIZED')) logReads++;
    return query(...args);
  };
  store = createPostgresEventStore({ pool, pollIntervalMs: 20, headCapacity: 50 });
  await store.ready();
});

afterAll(async () => {
  await store?.close();
  await pool?.end();
  await db?.drop();
});

const event = (i: number) => ({
  id: randomUUID(),
  type: 'Noted',
  data: { i },
  metadata: {
    occurredAt: new Date().toISOString(),
    actor: { id: 'store-head-test', kind: 'user' as const, roles: [] },
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
  },
});

/** Follows the store from `after` with a filter, collecting what it yields until stopped. */
function follow(categories: string[] | undefined, after: bigint, slowMs = 0) {
  const ctl = new AbortController();
  const seen: RecordedEvent[] = [];
  const done = (async () => {
    for await (const e of store.subscribe({
      after,
      filter: categories ? { categories } : undefined,
      signal: ctl.signal,
    })) {
      seen.push(e);
      if (slowMs) await new Promise((r) => setTimeout(r, slowMs));
    }
  })();
  return {
    seen,
    stop: async () => {
      ctl.abort();
      await done;
    },
  };
}

const positions = (events: RecordedEvent[]) => events.map((e) => e.position);

describe('the shared head of the Postgres store', () => {
  it('serves every caught-up subscription its own events, in order, once, from one read per wake-up', async () => {
    /** Appends `n` events alternating apple and pear, each awaited until `probe` has seen it; counts log reads. */
    const run = async (n: number, probe: RecordedEvent[]) => {
      const readsBefore = logReads;
      const appended: { category: string; position: bigint }[] = [];
      for (let i = 0; i < n; i++) {
        const category = i % 2 === 0 ? 'apple' : 'pear';
        const { lastPosition } = await store.append(`${category}-${randomUUID()}`, [event(i)], 'noStream');
        appended.push({ category, position: lastPosition });
        await waitFor('the event reaches the subscription of both', () =>
          probe.some((e) => e.position === lastPosition),
        );
      }
      return { reads: logReads - readsBefore, appended };
    };
    // One subscription alone: the reads it takes per append on this server (an older transaction anywhere on the
    // server holds events back from readers, so a read may find nothing and the poll reads again).
    const alone = follow(['apple', 'pear'], await store.headPosition());
    await new Promise((r) => setTimeout(r, 100));
    const one = await run(30, alone.seen);
    await alone.stop();

    const start = await store.headPosition();
    const subs = [follow(['apple'], start), follow(['pear'], start), follow(['apple', 'pear'], start)];
    await new Promise((r) => setTimeout(r, 100)); // all three caught up and waiting on the head
    const three = await run(30, subs[2]!.seen);
    for (const s of subs) await s.stop();
    const of = (c: string) => three.appended.filter((a) => a.category === c).map((a) => a.position);
    expect(positions(subs[0]!.seen)).toEqual(of('apple'));
    expect(positions(subs[1]!.seen)).toEqual(of('pear'));
    expect(positions(subs[2]!.seen)).toEqual(three.appended.map((a) => a.position));
    // Reading the log once per subscription would take three times the reads of one; shared, about the same.
    expect(three.reads).toBeLessThan(one.reads * 1.5 + 5);
  });

  it('hands a lone append to every caught-up subscription at once, not to the one that read and the rest at a poll', async () => {
    // Polls a minute apart: within the test only the append's own wake-up can deliver. The first subscription woken
    // begins the head's read; the others, woken by the same append, must wait for that read rather than find the
    // head as it was and sleep until the poll (which held read models a poll interval behind under light load).
    const quiet = createPostgresEventStore({ pool, pollIntervalMs: 60_000 });
    const follow2 = (categories: string[], after: bigint) => {
      const ctl = new AbortController();
      const seen: RecordedEvent[] = [];
      const done = (async () => {
        for await (const e of quiet.subscribe({ after, filter: { categories }, signal: ctl.signal })) seen.push(e);
      })();
      const stop = () => {
        ctl.abort();
        return done;
      };
      return { seen, stop };
    };
    const start = await quiet.headPosition();
    const subs = [follow2(['quince'], start), follow2(['quince'], start), follow2(['quince', 'date'], start)];
    try {
      for (let i = 1; i <= 5; i++) {
        // Quiet before each append, so it is read at once, with no coalescing wait that would hide the race.
        await new Promise((r) => setTimeout(r, 100));
        await quiet.append(`quince-${randomUUID()}`, [event(i)], 'noStream');
        await waitFor(`append ${i} reaches all three`, () => subs.every((s) => s.seen.length === i), {
          timeoutMs: 3000,
        });
      }
    } finally {
      for (const s of subs) await s.stop();
      await quiet.close();
    }
  });

  it('a subscription that falls further behind than the head holds reads the log, and misses nothing', async () => {
    const start = await store.headPosition();
    const fast = follow(['plum'], start);
    const slow = follow(['plum'], start, 15);
    await new Promise((r) => setTimeout(r, 100));
    const writers = Array.from({ length: 4 }, async () => {
      const mine: bigint[] = [];
      for (let i = 0; i < 40; i++)
        mine.push((await store.append(`plum-${randomUUID()}`, [event(i)], 'noStream')).lastPosition);
      return mine;
    });
    const all = (await Promise.all(writers)).flat().sort((a, b) => (a < b ? -1 : 1));
    await waitFor('the slow subscription reaches the last event', () => slow.seen.length >= all.length, {
      timeoutMs: 30_000,
    });
    await fast.stop();
    await slow.stop();
    expect(positions(fast.seen)).toEqual(all);
    expect(positions(slow.seen)).toEqual(all);
  });

  it('widens to a new category without losing what the earlier subscriptions follow', async () => {
    const start = await store.headPosition();
    const first = follow(['fig'], start);
    await new Promise((r) => setTimeout(r, 60));
    const a = (await store.append(`fig-${randomUUID()}`, [event(1)], 'noStream')).lastPosition;
    const second = follow(['kiwi'], start);
    const b = (await store.append(`kiwi-${randomUUID()}`, [event(2)], 'noStream')).lastPosition;
    const c = (await store.append(`fig-${randomUUID()}`, [event(3)], 'noStream')).lastPosition;
    await waitFor('both have their events', () => first.seen.length === 2 && second.seen.length === 1);
    await first.stop();
    await second.stop();
    expect(positions(first.seen)).toEqual([a, c]);
    expect(positions(second.seen)).toEqual([b]);
  });
});
