import { randomUUID } from 'node:crypto';
import type { EventStore, ExpectedRevision } from '@railyard/eventstore';
import { alternateBestOf, closedLoop, type Op } from './measure.js';
import { openRawPostgres } from './raw-postgres.js';
import { type Figure, ratioFigure } from './report.js';
import { benchStream, sampleEvent } from './sample-events.js';

export interface WriteTiming {
  /** Measured window per round, per measurement. */
  durationMs: number;
  warmupMs: number;
  /** Alternating rounds of baseline and figure; each keeps its best. */
  rounds: number;
}

// Commands mostly append to streams that already exist, with the revision they read: each writer fills a stream
// with this many single-event appends (the first one 'noStream', then the exact revision) before moving on.
const EVENTS_PER_STREAM = 10;

/** Single-event appends with an exact expected revision, one cursor per worker. */
export function singleAppends(store: EventStore): Op {
  const cursors = new Map<number, { stream: string; next: bigint }>();
  return async (worker) => {
    let cursor = cursors.get(worker);
    if (!cursor || cursor.next >= EVENTS_PER_STREAM) {
      cursor = { stream: benchStream(randomUUID()), next: 0n };
      cursors.set(worker, cursor);
    }
    const expected: ExpectedRevision = cursor.next === 0n ? 'noStream' : cursor.next - 1n;
    await store.append(cursor.stream, [sampleEvent()], expected);
    cursor.next++;
    return 1;
  };
}

/** Appends of `size` events to a new stream per call. */
function batchAppends(store: EventStore, size: number): Op {
  return async () => {
    await store.append(
      benchStream(randomUUID()),
      Array.from({ length: size }, () => sampleEvent()),
      'noStream',
    );
    return size;
  };
}

/**
 * Figures (a)–(c) beside baselines (1)–(3): the Postgres event store's append against raw INSERTs of rows of the
 * same size, each pair measured alternately in the same run.
 */
export async function measureWrites(
  store: EventStore,
  databaseUrl: string,
  timing: WriteTiming,
): Promise<{ baselines: Figure[]; figures: Figure[] }> {
  const WRITERS = 8;
  const raw = await openRawPostgres(databaseUrl, WRITERS);
  try {
    const loop = (op: Op, concurrency: number) => () =>
      closedLoop(op, { concurrency, durationMs: timing.durationMs, warmupMs: timing.warmupMs });

    const [raw1, a] = await alternateBestOf(timing.rounds, [loop(raw.insertOne, 1), loop(singleAppends(store), 1)]);
    const [raw2, b] = await alternateBestOf(timing.rounds, [
      loop(raw.insertBatch(100), 1),
      loop(batchAppends(store, 100), 1),
    ]);
    const [raw3, c] = await alternateBestOf(timing.rounds, [
      loop(raw.insertOne, WRITERS),
      loop(singleAppends(store), WRITERS),
    ]);
    const baseline = (name: string, rate: number, unit: string): Figure => ({
      name,
      value: rate,
      unit,
      baseline: null,
      ratio: null,
      target: null,
      higherIsBetter: true,
    });
    return {
      baselines: [
        baseline('(1) raw pg single-row commit, 1 conn', raw1!.rate, 'ops/s'),
        baseline('(2) raw pg 100-row INSERT per commit', raw2!.rate, 'rows/s'),
        baseline('(3) raw pg single-row commit, 8 conns', raw3!.rate, 'ops/s'),
      ],
      figures: [
        ratioFigure('(a) append 1 event/call, sequential', a!.rate, 'events/s', raw1!.rate, 0.8),
        ratioFigure('(b) append 100-event batches', b!.rate, 'events/s', raw2!.rate, 0.5),
        ratioFigure('(c) append, 8 writers, distinct streams', c!.rate, 'events/s', raw3!.rate, 0.7),
      ],
    };
  } finally {
    await raw.close();
  }
}
