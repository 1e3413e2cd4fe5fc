import type pg from 'pg';

// The one lease of the platform (DESIGN §1: relays, projections, the sealer and each consumer's exclusive work run
// single-active per service, a standby taking over). It lives beside the Postgres store because every lib that
// needs a lease (messaging, readmodels, the store's own sealer) already depends on this package.

/** A Postgres advisory lock held on a dedicated session: the right to do one piece of single-active work. */
export interface Lease {
  readonly key: string;
  /**
   * The session holding the lock. Work that must stop the moment the lease is lost (a relay's checkpoint) runs
   * on it: once the session is gone, so is the lock, and every statement on it fails.
   */
  readonly client: pg.PoolClient;
  /** Aborts, with the cause as reason, when the session dies: Postgres has released the lock, stop at once. */
  readonly lost: AbortSignal;
  /** Unlocks and hands the session back to the pool (or discards it when it is broken). Idempotent. */
  release(): Promise<void>;
}

export interface AcquireLeaseOptions {
  /** Wait as a standby until the holder lets go (true), or give up at once when someone holds it (false). */
  wait: boolean;
  /** Stops a waiting acquisition: resolves null. */
  signal?: AbortSignal;
  /** How often a standby retries (default 1000 ms): with the heartbeat, it bounds the failover time. */
  pollMs?: number;
  /** How often the held session is checked, so a silently dead one (network) is noticed (default 5000 ms). */
  heartbeatMs?: number;
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Takes the session-level advisory lock named `key` (hashed to a bigint) on a connection of its own and keeps it
 * until `release()` or until the session dies. Resolves null when `wait` is false and someone else holds it, or
 * when `signal` aborts a wait. Rejects when the connection fails before the lock is held (the caller retries).
 *
 * Why polling `pg_try_advisory_lock` rather than a blocking `pg_advisory_lock`: a standby stays stoppable at any
 * moment without cancelling its own backend, and the poll interval is an explicit bound on takeover time.
 * Why the error listener: pg-pool removes its own idle-error listener while a client is checked out, so a held
 * session whose backend is terminated (`pg_terminate_backend`, failover, restart) would otherwise emit an
 * unhandled 'error' and kill the process. Here it only aborts `lost`.
 */
export async function acquireLease(pool: pg.Pool, key: string, options: AcquireLeaseOptions): Promise<Lease | null> {
  const lostCtl = new AbortController();
  const client = await pool.connect();
  const onError = (err: Error) => {
    if (!lostCtl.signal.aborted) lostCtl.abort(err);
  };
  client.on('error', onError);
  let handedBack = false;
  const handBack = (broken: boolean) => {
    if (handedBack) return;
    handedBack = true;
    // A broken session keeps the listener: ending it may still emit 'error', which must not reach the process.
    if (!broken) client.off('error', onError);
    client.release(broken);
  };

  try {
    for (;;) {
      if (lostCtl.signal.aborted) throw lostCtl.signal.reason;
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
        [key],
      );
      if (rows[0]?.ok) break;
      if (!options.wait || options.signal?.aborted) {
        handBack(false);
        return null;
      }
      await pause(options.pollMs ?? 1000, options.signal);
      if (options.signal?.aborted) {
        handBack(false);
        return null;
      }
    }
  } catch (err) {
    handBack(true);
    throw err;
  }

  // Once lost, the session is discarded at once: statements of the holder's work still waiting on it (a relay's
  // checkpoint write on a dead socket) then fail instead of hanging, so the work stops and competes again.
  lostCtl.signal.addEventListener('abort', () => handBack(true), { once: true });

  const releaseCtl = new AbortController();
  const heartbeatMs = options.heartbeatMs ?? 5000;
  // Heartbeat: a session can die without an 'error' event (a network partition leaves the socket open, and a
  // statement on it would wait for TCP keepalives), so an answer that takes longer than the interval counts as lost.
  const heartbeat = (async () => {
    while (!releaseCtl.signal.aborted && !lostCtl.signal.aborted) {
      await pause(heartbeatMs, AbortSignal.any([releaseCtl.signal, lostCtl.signal]));
      if (releaseCtl.signal.aborted || lostCtl.signal.aborted) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          client.query('SELECT 1'),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`lease session did not answer within ${heartbeatMs} ms`)),
              heartbeatMs,
            );
          }),
        ]);
      } catch (err) {
        onError(err as Error);
      } finally {
        clearTimeout(timer);
      }
    }
  })();

  let released: Promise<void> | undefined;
  return {
    key,
    client,
    lost: lostCtl.signal,
    release() {
      released ??= (async () => {
        releaseCtl.abort();
        await heartbeat;
        if (lostCtl.signal.aborted) return handBack(true);
        try {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
          handBack(false);
        } catch {
          // The session broke while unlocking: discarding it ends the session, and Postgres releases the lock.
          handBack(true);
        }
      })();
      return released;
    },
  };
}

/**
 * Runs `work` whenever this process holds the lease `key`, for as long as `signal` is not aborted: waits as a
 * standby, runs `work(lease)` while active, and after the lease is lost or `work` fails, pauses `retryDelayMs` and
 * competes again on a fresh session. `work` must return promptly once `lease.lost` aborts.
 */
export async function runUnderLease(
  pool: pg.Pool,
  key: string,
  options: {
    signal: AbortSignal;
    pollMs?: number;
    heartbeatMs?: number;
    retryDelayMs?: number;
    onStandby?: () => void;
    onError?: (err: unknown, phase: 'acquire' | 'work') => void;
  },
  work: (lease: Lease) => Promise<void>,
): Promise<void> {
  const { signal } = options;
  while (!signal.aborted) {
    options.onStandby?.();
    let lease: Lease | null = null;
    try {
      lease = await acquireLease(pool, key, {
        wait: true,
        signal,
        pollMs: options.pollMs,
        heartbeatMs: options.heartbeatMs,
      });
    } catch (err) {
      options.onError?.(err, 'acquire');
    }
    if (lease) {
      try {
        await work(lease);
        if (lease.lost.aborted) options.onError?.(lease.lost.reason, 'work');
      } catch (err) {
        options.onError?.(err, 'work');
      } finally {
        await lease.release();
      }
    }
    // After a failure or a lost session, give the database a moment (and a standby its chance) before competing again.
    if (!signal.aborted) await pause(options.retryDelayMs ?? 1000, signal);
  }
}
