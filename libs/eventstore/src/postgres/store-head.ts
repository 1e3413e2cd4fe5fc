import type { AllFilter, RecordedEvent } from '../port.js';

/** What one read of the log returns: the events, and the position through which the read saw every event. */
export interface ScannedRead {
  events: RecordedEvent[];
  /**
   * Every event at or below this position that any later read can return is in `events` (or below the read's
   * `after`). A full page ends at its last event; a short one at the xmin horizon: any transaction that commits
   * later has an id at or above the read snapshot's xmin, hence a position of at least `xmin << 16`.
   */
  scannedTo: bigint;
}

export type ScannedReader = (after: bigint, limit: number, filter: AllFilter | undefined) => Promise<ScannedRead>;

/**
 * The store's head, shared by the subscriptions of one store instance that have caught up. Without it every such
 * subscription queries the log on every append (the relay and each projection of a service: N queries returning
 * the same rows); with it one query per wake-up serves them all, each filtering in memory.
 *
 * It holds every event of its categories in (floor, cursor]. A subscription at `after` may read from it when
 * `floor <= after` and its filter's categories are among the head's; one further behind reads the log itself
 * (catch-up), as does every subscription of a kind the head does not cover. The buffer keeps the newest
 * `capacity` events; dropping older ones raises the floor.
 */
export class StoreHead {
  private events: RecordedEvent[] = [];
  private floor = -1n;
  private cursor = -1n;
  /** null: every category. undefined: not started (no subscription has caught up yet). */
  private categories: Set<string> | null | undefined;
  private inflight: Promise<void> | undefined;
  private lastQueryAt = Number.NEGATIVE_INFINITY;
  /** The store's count of local appends when the last read of the head began (-1: never read). */
  readSeq = -1;

  constructor(
    private readonly read: ScannedReader,
    private readonly appendSeq: () => number,
    private readonly options: { capacity: number; pageSize: number; coalesceMs: number },
  ) {}

  /** Whether a subscription at `after` with this filter can follow the head from here. */
  covers(after: bigint, filter: AllFilter | undefined): boolean {
    if (this.categories === undefined || after < this.floor) return false;
    if (this.categories === null) return true;
    const wanted = filter?.categories;
    if (!wanted) return false;
    for (const c of wanted) if (!this.categories.has(c)) return false;
    return true;
  }

  /**
   * A subscription caught up at `after`: start the head there if it has not started, or widen its categories to
   * the subscription's (which restarts it empty at its cursor: what it holds lacks the new categories).
   */
  join(after: bigint, filter: AllFilter | undefined): void {
    const wanted = filter?.categories;
    if (this.categories === undefined) {
      this.categories = wanted ? new Set(wanted) : null;
      this.floor = after;
      this.cursor = after;
      return;
    }
    if (this.categories === null) return;
    if (!wanted) {
      this.restartEmpty(null);
      return;
    }
    const missing = wanted.filter((c) => !this.categories!.has(c));
    if (missing.length > 0) this.restartEmpty(new Set([...this.categories, ...missing]));
  }

  private restartEmpty(categories: Set<string> | null): void {
    this.categories = categories;
    this.events = [];
    this.floor = this.cursor;
  }

  /**
   * Up to `limit` held events after `after` that pass the filter, and the position through which they account
   * for everything (the head's cursor when nothing was cut off by the limit).
   */
  take(after: bigint, limit: number, matches: (e: RecordedEvent) => boolean): ScannedRead {
    const events: RecordedEvent[] = [];
    let i = this.firstAfter(after);
    for (; i < this.events.length && events.length < limit; i++) {
      const e = this.events[i]!;
      if (matches(e)) events.push(e);
    }
    const complete = i >= this.events.length;
    const scannedTo = complete ? this.cursor : this.events[i - 1]!.position;
    return { events, scannedTo: scannedTo > after ? scannedTo : after };
  }

  /**
   * Whether a read of the head is under way (or waiting out the coalescing gap). `readSeq` moves when a read
   * begins, so a subscription woken by an append while that read is in flight must wait for it, not take what
   * the head held before it.
   */
  get reading(): boolean {
    return this.inflight !== undefined;
  }

  /** Time since the last read of the head began. */
  msSinceRead(): number {
    return performance.now() - this.lastQueryAt;
  }

  /** Reads what follows the cursor: one query however many subscriptions ask, at most one per `coalesceMs`. */
  advance(): Promise<void> {
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    const wait = this.lastQueryAt + this.options.coalesceMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastQueryAt = performance.now();
    this.readSeq = this.appendSeq();
    const categories = this.categories;
    const from = this.cursor;
    const filter = categories ? { categories: [...categories] } : undefined;
    const { events, scannedTo } = await this.read(from, this.options.pageSize, filter);
    // Widened or restarted meanwhile: what was read is of the old categories; the next advance reads again.
    if (this.categories !== categories || this.cursor !== from) return;
    if (events.length > 0) {
      this.events.push(...events);
      const excess = this.events.length - this.options.capacity;
      if (excess > 0) {
        this.floor = this.events[excess - 1]!.position;
        this.events.splice(0, excess);
      }
    }
    if (scannedTo > this.cursor) this.cursor = scannedTo;
  }

  /** Index of the first held event with a position above `after` (binary search; positions ascend). */
  private firstAfter(after: bigint): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.position <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
