const NOT_READY = Symbol('not-ready');

/** The next item if the iterator already has it (it settles within the current macrotask), else NOT_READY. */
function ifReady<T>(next: Promise<T>): Promise<T | typeof NOT_READY> {
  return Promise.race([next, new Promise<typeof NOT_READY>((resolve) => setImmediate(resolve, NOT_READY))]);
}

/**
 * Groups a subscription's events into the batches it already holds: each batch is the first event waited for,
 * then every further event the iterator can give without waiting for I/O, up to `max`. A consumer that handles
 * a batch at once (one transaction, one socket write for many publishes) pays per batch what it paid per event,
 * and under no load it still sees each event as soon as it is read (a batch of one).
 */
export async function* readyBatches<T>(source: AsyncIterable<T>, max: number): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  try {
    for (;;) {
      const first = await (pending ?? it.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      let ended = false;
      while (batch.length < max) {
        const next = it.next();
        const r = await ifReady(next);
        if (r === NOT_READY) {
          pending = next;
          break;
        }
        if (r.done) {
          ended = true;
          break;
        }
        batch.push(r.value);
      }
      yield batch;
      if (ended) return;
    }
  } finally {
    if (pending) {
      // The source is mid-read, and an async generator queues return() behind a pending next(): end it once that
      // read settles, without waiting here. The caller ends the read by aborting the source's signal.
      pending.then(
        () => it.return?.(),
        () => undefined,
      );
    } else {
      await it.return?.();
    }
  }
}
