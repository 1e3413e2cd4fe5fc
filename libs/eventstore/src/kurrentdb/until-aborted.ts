/** What we need of a Node readable: iteration, and destroy() to wake a pending read. */
export type DestroyableIterable<T> = AsyncIterable<T> & { destroy(): unknown };

/**
 * Iterates a readable stream until it ends or `signal` aborts, then runs `cancel` (once) and ends cleanly.
 * Cancelling the gRPC call alone may leave the piped stream open, so we also destroy the stream: that wakes a
 * pending read, and the premature-close error it raises is swallowed because we asked for it.
 */
export async function* iterateUntilAborted<T>(
  source: DestroyableIterable<T>,
  cancel: () => Promise<void>,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  let cancelled = false;
  const stop = () => {
    if (cancelled) return;
    cancelled = true;
    void cancel().catch(() => {});
    source.destroy();
  };
  if (signal?.aborted) {
    stop();
    return;
  }
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const item of source) {
      if (cancelled) return;
      yield item;
    }
  } catch (error) {
    if (cancelled) return;
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    // The consumer may stop early (break/return): release the server-side subscription too.
    stop();
  }
}
