import type { EventMetadata } from '@railyard/contracts';

/**
 * What the writer expects the stream to be at: it must not exist, anything goes, it must exist, or its last
 * event must have exactly this revision (revisions count from 0).
 */
export type ExpectedRevision = 'noStream' | 'any' | 'streamExists' | bigint;

/** An event as a command produces it. The store assigns revision, position, time and hash. */
export interface EventToAppend {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/** An event as the store holds it. */
export interface RecordedEvent {
  streamId: string;
  /** 0-based position inside its stream. */
  revision: bigint;
  /**
   * Position in the global log. Strictly increasing in the order readAll/subscribe deliver events, but not
   * dense: adapters may leave gaps. Use it as a checkpoint (exclusive `after`).
   */
  position: bigint;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  createdAt: Date;
  /** Hash chained to the previous event of the stream (hex sha256), where the adapter keeps one. */
  hash: string | null;
}

export interface AppendResult {
  /** Revision of the last event written: the expected revision for the next append. */
  nextExpectedRevision: bigint;
  /** Global position of the last event written. */
  lastPosition: bigint;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive); for backwards reads, the revision to start from. */
  from?: bigint;
  direction?: 'forwards' | 'backwards';
  limit?: number;
  /**
   * Check the hash chain of what is returned (forwards only): each event's hash against its content and its
   * predecessor, and no revision missing. The first break throws a {@link StreamIntegrityError}. Adapters that keep
   * no chain (KurrentDB keeps its own log append-only; the in-memory store) have nothing to check and ignore it.
   */
  verify?: boolean;
}

/** Restricts a global read to stream categories and/or event types (both: an event must match both). */
export interface AllFilter {
  categories?: readonly string[];
  eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive lower bound on position; omitted = from the beginning of the log. */
  after?: bigint;
  limit?: number;
  filter?: AllFilter;
}

export interface SubscribeOptions {
  /** Exclusive lower bound on position; omitted = from the beginning of the log. */
  after?: bigint;
  filter?: AllFilter;
  /** Stops the subscription: the iterator ends cleanly. */
  signal?: AbortSignal;
  /** How many events to fetch per read while catching up. */
  batchSize?: number;
}

/**
 * The event store port (DESIGN §4). Every adapter passes the same contract suite.
 * - append is atomic per call and checks the expected revision;
 * - readStream sees an append as soon as it returns (read-your-write);
 * - readAll/subscribe deliver in strictly increasing position and never skip an event committed late
 *   by a concurrent writer.
 */
export interface EventStore {
  readonly kind: 'postgres' | 'kurrentdb' | 'memory';
  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult>;
  /** The stream's events; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription: everything after `after`, then live events, until the signal aborts. */
  subscribe(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** Position of the newest event a reader may see now (0n when empty); used to report lag. */
  headPosition(filter?: AllFilter): Promise<bigint>;
  /**
   * How many events a reader at `after` has still to read (matching the filter), counting at most `cap`:
   * the honest unit for lag, since positions are not dense.
   */
  countAfter(after: bigint, filter?: AllFilter, cap?: number): Promise<number>;
  /** Liveness of the backing store, for /health/ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Adapters whose subscriptions poll for other writers' appends (Postgres) offer these two, so processes sharing
   * the store can tell each other (see the kit's append wake-ups): `onAppended` calls `listener` after each append
   * through this instance and returns its removal; `wake` says another process appended, and caught-up
   * subscriptions read now instead of at their next poll.
   */
  onAppended?(listener: () => void): () => void;
  wake?(): void;
}

/** Raised when the stream is not at the expected revision. Every adapter translates its vendor error to this. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, or 'noStream'. */
    readonly actual: bigint | 'noStream',
  ) {
    super(`stream ${streamId}: expected ${String(expected)}, actual ${String(actual)}`);
  }
}

/**
 * A stream's hash chain is broken: an event was changed or removed behind the store's back. Nothing folded from
 * the stream may be shown as sound; `soundEvents` are the ones before the break, which still verify.
 */
export class StreamIntegrityError extends Error {
  override readonly name = 'StreamIntegrityError';
  constructor(
    readonly streamId: string,
    /** The first revision that does not verify. */
    readonly revision: bigint,
    readonly reason: string,
    readonly soundEvents: RecordedEvent[],
  ) {
    super(`stream ${streamId}: hash chain broken at revision ${revision}: ${reason}`);
  }
}

/** Whether an event's stream category and type pass a filter. */
export function matchesFilter(streamId: string, type: string, filter: AllFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(type)) return false;
  if (filter.categories) {
    const dash = streamId.indexOf('-');
    const category = dash > 0 ? streamId.slice(0, dash) : streamId;
    if (!filter.categories.includes(category)) return false;
  }
  return true;
}

/** Whether a stream at `actual` satisfies `expected`. */
export function revisionMatches(expected: ExpectedRevision, actual: bigint | 'noStream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'noStream') return actual === 'noStream';
  if (expected === 'streamExists') return actual !== 'noStream';
  return actual === expected;
}
