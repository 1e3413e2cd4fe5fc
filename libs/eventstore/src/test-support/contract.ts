import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@railyard/contracts';
import { waitFor } from '@railyard/testing/wait-for';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventStore, type EventToAppend, type RecordedEvent, WrongExpectedRevisionError } from '../port.js';

const metadata = (): EventMetadata => ({
  occurredAt: new Date().toISOString(),
  actor: { id: 'contract-suite', kind: 'system', roles: ['admin'] },
  correlationId: randomUUID(),
  causationId: randomUUID(),
  schemaVersion: 1,
});

export const ev = (type: string, data: Record<string, unknown> = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata: metadata(),
});

/**
 * Waits until global reads show everything up to `position`. Appends are read-your-write on their stream at
 * once, but a global reader may see them a moment later: the Postgres store holds a commit back while an older
 * transaction anywhere on the server is still running (that is what keeps it from skipping late commits).
 * Polls with the repository's one polling helper (@railyard/testing's waitFor), through its dependency-free
 * `wait-for` entry: @railyard/testing depends on this package, so it is not declared here (that would be a cycle);
 * only test files use it, and they resolve workspace sources (docs/conventions.md, "Where the code differs").
 */
export async function untilVisible(store: EventStore, position: bigint, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    `position ${position} visible to global readers`,
    async () => (await store.headPosition()) >= position,
    { timeoutMs, intervalMs: 10 },
  );
}

/** A stream name unique to one test, in a category unique to the suite run. */
const uniq = () => randomUUID().replaceAll('-', '');

async function collect(
  iter: AsyncIterable<RecordedEvent>,
  count: number,
  controller: AbortController,
  timeoutMs = 10_000,
) {
  const out: RecordedEvent[] = [];
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  for await (const e of iter) {
    out.push(e);
    if (out.length >= count) break;
  }
  clearTimeout(timer);
  controller.abort();
  return out;
}

/**
 * The event store contract (DESIGN §4): every adapter runs this same suite. `create` returns a fresh store
 * whose log other suites do not write to concurrently (categories are unique per run anyway).
 */
export function eventStoreContract(
  name: string,
  create: () => Promise<{ store: EventStore; dispose(): Promise<void> }>,
) {
  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    let dispose: () => Promise<void>;
    const cat = `c${uniq().slice(0, 10)}`;
    const stream = () => `${cat}-${uniq()}`;

    beforeAll(async () => {
      ({ store, dispose } = await create());
    });
    afterAll(async () => {
      await dispose?.();
    });

    it('appends to a new stream and reads it back, revisions from 0', async () => {
      const s = stream();
      const events = [ev('ThingCreated', { n: 1, nested: { a: [1, 2] } }), ev('ThingRenamed', { name: 'ü ✓' })];
      const result = await store.append(s, events, 'noStream');
      expect(result.nextExpectedRevision).toBe(1n);
      const read = await store.readStream(s);
      expect(read.map((e) => [e.revision, e.type, e.id])).toEqual([
        [0n, 'ThingCreated', events[0]!.id],
        [1n, 'ThingRenamed', events[1]!.id],
      ]);
      expect(read[0]!.data).toEqual({ n: 1, nested: { a: [1, 2] } });
      expect(read[1]!.data).toEqual({ name: 'ü ✓' });
      expect(read[0]!.metadata.actor.id).toBe('contract-suite');
      expect(read[1]!.position).toBe(result.lastPosition);
      expect(read[0]!.position < read[1]!.position).toBe(true);
    });

    it('returns an empty list for a stream that does not exist', async () => {
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('enforces expected revisions and reports the actual one', async () => {
      const s = stream();
      await expect(store.append(s, [ev('A')], 'streamExists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(s, [ev('A')], 0n)).rejects.toMatchObject({ actual: 'noStream' });
      await store.append(s, [ev('A')], 'noStream');
      await expect(store.append(s, [ev('B')], 'noStream')).rejects.toMatchObject({ actual: 0n });
      await expect(store.append(s, [ev('B')], 5n)).rejects.toMatchObject({ actual: 0n, expected: 5n });
      await store.append(s, [ev('B')], 0n);
      await store.append(s, [ev('C')], 'streamExists');
      await store.append(s, [ev('D')], 'any');
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
    });

    it('lets exactly one of many concurrent appends with the same expected revision win, atomically', async () => {
      const s = stream();
      await store.append(s, [ev('Start')], 'noStream');
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store.append(s, [ev('Racer', { i }), ev('Racer', { i })], 0n)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
      const read = await store.readStream(s);
      expect(read).toHaveLength(3);
      expect(read[1]!.data).toEqual(read[2]!.data);
    });

    it('reads a stream backwards, from a revision, with a limit', async () => {
      const s = stream();
      await store.append(
        s,
        [0, 1, 2, 3, 4].map((i) => ev('N', { i })),
        'noStream',
      );
      const ids = (es: RecordedEvent[]) => es.map((e) => Number(e.revision));
      expect(ids(await store.readStream(s, { from: 2n }))).toEqual([2, 3, 4]);
      expect(ids(await store.readStream(s, { from: 1n, limit: 2 }))).toEqual([1, 2]);
      expect(ids(await store.readStream(s, { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
      expect(ids(await store.readStream(s, { direction: 'backwards', from: 3n, limit: 2 }))).toEqual([3, 2]);
    });

    it('reads all events in increasing position, exclusive of `after`, filtered by category and type', async () => {
      const a = stream();
      const otherCat = `d${uniq().slice(0, 10)}`;
      const b = `${otherCat}-${uniq()}`;
      await store.append(a, [ev('X', { k: 1 }), ev('Y', { k: 2 })], 'noStream');
      await store.append(b, [ev('X', { k: 3 })], 'noStream');
      const { lastPosition } = await store.append(a, [ev('X', { k: 4 })], 1n);
      await untilVisible(store, lastPosition);
      const mine = await store.readAll({ filter: { categories: [cat, otherCat] } });
      const relevant = mine.filter((e) => e.streamId === a || e.streamId === b);
      expect(relevant.map((e) => e.data.k)).toEqual([1, 2, 3, 4]);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.position > mine[i - 1]!.position).toBe(true);
      const onlyB = await store.readAll({ filter: { categories: [otherCat] } });
      expect(onlyB.map((e) => e.data.k)).toEqual([3]);
      const xs = await store.readAll({ filter: { categories: [cat, otherCat], eventTypes: ['X'] } });
      expect(xs.filter((e) => e.streamId === a || e.streamId === b).map((e) => e.data.k)).toEqual([1, 3, 4]);
      const first = relevant[0]!;
      const after = await store.readAll({ after: first.position, filter: { categories: [cat, otherCat] }, limit: 2 });
      expect(after).toHaveLength(2);
      expect(after[0]!.position > first.position).toBe(true);
      expect(await store.headPosition({ categories: [otherCat] })).toBe(onlyB[0]!.position);
      // Lag is counted in events, not positions (positions need not be dense), and capped.
      expect(await store.countAfter(first.position, { categories: [cat, otherCat] })).toBe(3);
      expect(await store.countAfter(first.position, { categories: [cat, otherCat] }, 2)).toBe(2);
      expect(await store.countAfter(onlyB[0]!.position, { categories: [otherCat] })).toBe(0);
    });

    it('subscribes: catches up, then receives live appends, and stops on abort', async () => {
      const subCat = `s${uniq().slice(0, 10)}`;
      const s = `${subCat}-${uniq()}`;
      await store.append(s, [ev('Before', { i: 0 })], 'noStream');
      const controller = new AbortController();
      const received = collect(
        store.subscribe({ filter: { categories: [subCat] }, signal: controller.signal }),
        3,
        controller,
      );
      await store.append(s, [ev('Live', { i: 1 })], 0n);
      await store.append(s, [ev('Live', { i: 2 })], 1n);
      const got = await received;
      expect(got.map((e) => e.data.i)).toEqual([0, 1, 2]);
      // An aborted subscription ends instead of hanging.
      const c2 = new AbortController();
      const iter = store.subscribe({ filter: { categories: [subCat] }, signal: c2.signal, after: got[2]!.position });
      const pending = (async () => {
        for await (const _ of iter) return 'event';
        return 'ended';
      })();
      c2.abort();
      expect(await pending).toBe('ended');
    });

    it('delivers every event of many concurrent writers to a subscriber, once and in position order', async () => {
      const wCat = `w${uniq().slice(0, 10)}`;
      const writers = 8;
      const perWriter = 25;
      const controller = new AbortController();
      const received = collect(
        store.subscribe({ filter: { categories: [wCat] }, signal: controller.signal, batchSize: 7 }),
        writers * perWriter,
        controller,
        30_000,
      );
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const s = `${wCat}-${w}`;
          for (let i = 0; i < perWriter; i++)
            await store.append(s, [ev('Wrote', { w, i })], i === 0 ? 'noStream' : BigInt(i - 1));
        }),
      );
      const got = await received;
      expect(got).toHaveLength(writers * perWriter);
      expect(new Set(got.map((e) => e.id)).size).toBe(writers * perWriter);
      for (let i = 1; i < got.length; i++) expect(got[i]!.position > got[i - 1]!.position).toBe(true);
      for (let w = 0; w < writers; w++) {
        expect(got.filter((e) => e.data.w === w).map((e) => e.data.i)).toEqual(
          Array.from({ length: perWriter }, (_, i) => i),
        );
      }
    });
  });
}
