import {
  type AllFilter,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  matchesFilter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  revisionMatches,
  type SubscribeOptions,
  WrongExpectedRevisionError,
} from '../port.js';

/** An in-process event store for decider and unit tests. Same contract as the real adapters, no durability. */
export function createMemoryEventStore(): EventStore {
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const ids = new Set<string>();
  const waiters = new Set<() => void>();
  let closed = false;

  const wake = () => {
    for (const w of waiters) w();
    waiters.clear();
  };

  function readAllSync(options: ReadAllOptions = {}): RecordedEvent[] {
    const after = options.after ?? 0n;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const out: RecordedEvent[] = [];
    // Positions are 1-based and dense here, so the first candidate is at index `after`.
    for (let i = Number(after); i < log.length && out.length < limit; i++) {
      const e = log[i]!;
      if (matchesFilter(e.streamId, e.type, options.filter)) out.push(structuredClone(e));
    }
    return out;
  }

  return {
    kind: 'memory',
    async append(
      streamId: string,
      events: readonly EventToAppend[],
      expected: ExpectedRevision,
    ): Promise<AppendResult> {
      const stream = streams.get(streamId) ?? [];
      const actual = stream.length === 0 ? 'noStream' : BigInt(stream.length - 1);
      if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(streamId, expected, actual);
      if (events.length === 0) {
        return { nextExpectedRevision: actual === 'noStream' ? -1n : actual, lastPosition: BigInt(log.length) };
      }
      for (const e of events) if (ids.has(e.id)) throw new Error(`duplicate event id ${e.id}`);
      const now = new Date();
      for (const e of events) {
        const recorded: RecordedEvent = {
          streamId,
          revision: BigInt(stream.length),
          position: BigInt(log.length + 1),
          id: e.id,
          type: e.type,
          data: structuredClone(e.data),
          metadata: structuredClone(e.metadata),
          createdAt: now,
          hash: null,
        };
        stream.push(recorded);
        log.push(recorded);
        ids.add(e.id);
      }
      streams.set(streamId, stream);
      wake();
      return { nextExpectedRevision: BigInt(stream.length - 1), lastPosition: BigInt(log.length) };
    },

    async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      const stream = streams.get(streamId) ?? [];
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      if (options.direction === 'backwards') {
        const from = options.from ?? BigInt(stream.length - 1);
        return stream
          .filter((e) => e.revision <= from)
          .reverse()
          .slice(0, limit)
          .map((e) => structuredClone(e));
      }
      const from = options.from ?? 0n;
      return stream
        .filter((e) => e.revision >= from)
        .slice(0, limit)
        .map((e) => structuredClone(e));
    },

    async readAll(options?: ReadAllOptions) {
      return readAllSync(options);
    },

    async *subscribe(options: SubscribeOptions = {}) {
      let after = options.after ?? 0n;
      const signal = options.signal;
      while (!closed && !signal?.aborted) {
        const batch = readAllSync({ after, limit: options.batchSize ?? 500, filter: options.filter });
        // Advance past filtered-out events too, so a quiet filter does not rescan the log forever.
        const scannedTo = BigInt(log.length);
        for (const e of batch) {
          if (signal?.aborted) return;
          yield e;
          after = e.position;
        }
        if (batch.length < (options.batchSize ?? 500)) after = scannedTo > after ? scannedTo : after;
        if (batch.length === 0 || after >= BigInt(log.length)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              signal?.removeEventListener('abort', done);
              resolve();
            };
            waiters.add(done);
            signal?.addEventListener('abort', done, { once: true });
          });
        }
      }
    },

    async headPosition(filter?: AllFilter) {
      for (let i = log.length - 1; i >= 0; i--) {
        const e = log[i]!;
        if (matchesFilter(e.streamId, e.type, filter)) return e.position;
      }
      return 0n;
    },

    async countAfter(after: bigint, filter?: AllFilter, cap = 10_000) {
      return readAllSync({ after, filter, limit: cap }).length;
    },

    async ping() {},

    async close() {
      closed = true;
      wake();
    },
  };
}
