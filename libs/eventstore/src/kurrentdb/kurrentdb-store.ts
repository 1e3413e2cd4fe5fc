import {
  type AllStreamResolvedEvent,
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import {
  type AllFilter,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  revisionMatches,
  type SubscribeOptions,
  WrongExpectedRevisionError,
} from '../port.js';
import {
  commitPositionOf,
  fromCurrentStreamState,
  isVisible,
  normaliseConnectionString,
  toPosition,
  toRecordedEvent,
  toServerFilter,
  toStreamState,
} from './kurrentdb-mapping.js';
import { iterateUntilAborted } from './until-aborted.js';

export interface KurrentEventStoreOptions {
  /** `kurrentdb://host:2113?tls=false` and friends; the deprecated `esdb://` is accepted and rewritten. */
  connectionString: string;
}

/** Events per read of $all; the last one of a page is read again as the first of the next (inclusive start). */
const PAGE_SIZE = 1000;
const DEFAULT_BATCH_SIZE = 500;

/**
 * The event store port over KurrentDB (DESIGN §4). Positions are KurrentDB commit positions (see
 * kurrentdb-mapping.ts for why one bigint is enough); hashes are null because KurrentDB's own log is the
 * tamper-evidence boundary here.
 */
export function createKurrentEventStore({ connectionString }: KurrentEventStoreOptions): EventStore {
  const client = KurrentDBClient.connectionString(normaliseConnectionString(connectionString));
  const subscriptions = new Set<AbortController>();
  let closed = false;

  async function lastOfStream(streamId: string): Promise<RecordedEvent | undefined> {
    const [last] = await readStream(streamId, { direction: 'backwards', limit: 1 });
    return last;
  }

  async function readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    if (options.limit !== undefined && options.limit <= 0) return [];
    // The client rejects negative revisions; read "from before the start" the way the memory store does.
    if (options.from !== undefined && options.from < 0n && backwards) return [];
    const from = options.from === undefined || options.from < 0n ? (backwards ? END : START) : options.from;
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: from,
        maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
      })) {
        const event = toRecordedEvent(resolved);
        if (event) out.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  /**
   * Pages through $all from `after` (exclusive) in `direction`, calling `visit` with every event that is
   * visible through `filter`, until `visit` returns true or the log runs out. The server may start a page at the
   * cursor itself (forwards reads are inclusive), so events at or beyond the cursor are skipped.
   */
  async function scanAll(
    direction: typeof FORWARDS | typeof BACKWARDS,
    after: bigint | undefined,
    filter: AllFilter | undefined,
    pageSize: number,
    visit: (resolved: AllStreamResolvedEvent, position: bigint) => boolean,
  ): Promise<void> {
    const serverFilter = toServerFilter(filter);
    let cursor = after;
    for (;;) {
      let read = 0;
      let last: bigint | undefined;
      for await (const resolved of client.readAll({
        direction,
        fromPosition: cursor === undefined ? (direction === FORWARDS ? START : END) : toPosition(cursor),
        maxCount: pageSize,
        filter: serverFilter,
      })) {
        read++;
        const position = commitPositionOf(resolved);
        if (position === undefined) continue;
        if (cursor !== undefined && (direction === FORWARDS ? position <= cursor : position >= cursor)) continue;
        last = position;
        if (isVisible(resolved, filter) && visit(resolved, position)) return;
      }
      // A short page means the end of the log: a filtered read keeps scanning until it fills the page or hits
      // the end, so fewer events than asked cannot mean "more further on".
      if (read < pageSize || last === undefined) return;
      cursor = last;
    }
  }

  async function headPosition(filter?: AllFilter): Promise<bigint> {
    let head = 0n;
    await scanAll(BACKWARDS, undefined, filter, 100, (_resolved, position) => {
      head = position;
      return true;
    });
    return head;
  }

  async function countAfter(after: bigint, filter?: AllFilter, cap = 10_000): Promise<number> {
    let count = 0;
    await scanAll(FORWARDS, after, filter, 500, (_resolved, position) => {
      if (position > after) count++;
      return count >= cap;
    });
    return count;
  }

  return {
    kind: 'kurrentdb',
    countAfter,

    async append(
      streamId: string,
      events: readonly EventToAppend[],
      expected: ExpectedRevision,
    ): Promise<AppendResult> {
      if (events.length === 0) {
        // Nothing to write: check the expectation ourselves rather than send an empty append.
        const last = await lastOfStream(streamId);
        const actual = last ? last.revision : 'noStream';
        if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(streamId, expected, actual);
        return { nextExpectedRevision: last ? last.revision : -1n, lastPosition: await headPosition() };
      }
      const data = events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }));
      let result: Awaited<ReturnType<typeof client.appendToStream>>;
      try {
        result = await client.appendToStream(streamId, data, { streamState: toStreamState(expected) });
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) {
          throw new WrongExpectedRevisionError(streamId, expected, fromCurrentStreamState(error.actualState));
        }
        throw error;
      }
      // Only reachable if the client was built with throwOnAppendFailure=false; handled for completeness.
      if (!result.success) {
        throw new WrongExpectedRevisionError(streamId, expected, fromCurrentStreamState(result.nextExpectedRevision));
      }
      // The append response carries the position of the last event written.
      const lastPosition = result.position?.commit ?? (await lastOfStream(streamId))?.position ?? -1n;
      return { nextExpectedRevision: result.nextExpectedRevision, lastPosition };
    },

    readStream,

    async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      const out: RecordedEvent[] = [];
      if (limit <= 0) return out;
      const pageSize = Math.max(2, Math.min(PAGE_SIZE, limit + 1));
      await scanAll(FORWARDS, options.after, options.filter, pageSize, (resolved) => {
        const event = toRecordedEvent(resolved);
        if (event) out.push(event);
        return out.length >= limit;
      });
      return out;
    },

    async *subscribe(options: SubscribeOptions = {}): AsyncGenerator<RecordedEvent> {
      if (closed || options.signal?.aborted) return;
      // One controller per subscription so close() can end them all; it follows the caller's signal.
      const stop = new AbortController();
      const follow = () => stop.abort();
      options.signal?.addEventListener('abort', follow, { once: true });
      subscriptions.add(stop);
      const subscription = client.subscribeToAll(
        {
          fromPosition: options.after === undefined ? START : toPosition(options.after),
          filter: toServerFilter(options.filter),
        },
        { highWaterMark: options.batchSize ?? DEFAULT_BATCH_SIZE },
      );
      let cursor = options.after;
      try {
        for await (const resolved of iterateUntilAborted(subscription, () => subscription.unsubscribe(), stop.signal)) {
          const position = commitPositionOf(resolved);
          // Subscriptions start after the position, but a reconnect may replay: keep delivery strictly increasing.
          if (position === undefined || (cursor !== undefined && position <= cursor)) continue;
          cursor = position;
          if (!isVisible(resolved, options.filter)) continue;
          const event = toRecordedEvent(resolved);
          if (event) yield event;
        }
      } finally {
        options.signal?.removeEventListener('abort', follow);
        subscriptions.delete(stop);
      }
    },

    headPosition,

    async ping(): Promise<void> {
      // Reading the newest record of $all is the cheapest call that proves the node answers reads.
      for await (const _ of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) break;
    },

    async close(): Promise<void> {
      closed = true;
      for (const stop of subscriptions) stop.abort();
      await client.dispose();
    },
  };
}
