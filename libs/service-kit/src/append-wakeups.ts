import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { appendNoticeSubject } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';

export interface AppendWakeupOptions {
  /** The bus prefix: processes on the same prefix share a store (default deployment: one store, one prefix). */
  subjectPrefix: string;
  /**
   * Least time between two notices this process sends (default 10 ms, the store's gap between two reads of the
   * log by caught-up subscriptions: a reader would not read sooner anyway). A burst of appends is one notice.
   */
  minGapMs?: number;
}

/**
 * Cross-process wake-ups for the store's subscriptions. An append wakes the subscriptions of the process that made
 * it at once; any other process sharing the store (a replica, another service, the process that holds the relay's
 * or a projection's lease) would only see it at its next poll, 50 ms later. This sends a notice over core NATS after
 * local appends (at most one per `minGapMs`, the first at once) and wakes this process's subscriptions on the
 * notices of others. NATS down costs only the latency: the polls still find everything.
 *
 * Returns the unlink. A store that does not poll (memory, KurrentDB) needs nothing, and nothing is linked.
 */
export function linkAppendWakeups(store: EventStore, nats: NatsConnection, options: AppendWakeupOptions): () => void {
  const { onAppended, wake } = store;
  if (!onAppended || !wake) return () => {};
  const subject = appendNoticeSubject(options.subjectPrefix);
  const minGapMs = options.minGapMs ?? 10;
  // Each process hears its own notices too; it knows them by this id and ignores them.
  const origin = new TextEncoder().encode(randomUUID());
  const isOwn = (data: Uint8Array) => data.length === origin.length && data.every((byte, i) => byte === origin[i]);
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let pending: NodeJS.Timeout | undefined;
  const send = () => {
    // A timer can fire early against performance.now() (Node starts it from the loop's cached clock, which lags by
    // however long the current turn has run), so the gap is checked here, not trusted to the timer.
    const early = lastSentAt + minGapMs - performance.now();
    if (early > 0) {
      pending = setTimeout(send, Math.ceil(early)).unref();
      return;
    }
    pending = undefined;
    lastSentAt = performance.now();
    try {
      nats.publish(subject, origin);
    } catch {
      // Closed or draining: the others poll.
    }
  };
  const stopListening = onAppended.call(store, () => {
    if (pending) return;
    const wait = lastSentAt + minGapMs - performance.now();
    if (wait <= 0) send();
    else pending = setTimeout(send, wait).unref();
  });
  const subscription = nats.subscribe(subject, {
    callback: (err, msg) => {
      if (!err && !isOwn(msg.data)) wake.call(store);
    },
  });
  return () => {
    stopListening();
    clearTimeout(pending);
    subscription.unsubscribe();
  };
}
