import { sql } from 'kysely';
import type { AnyDb } from './db.js';

/** A session-level Postgres advisory lock held on one dedicated pool connection. */
export interface HeldLock {
  /** Aborts (with the error as reason) if the lock connection fails: the holder must stop working. */
  readonly lost: AbortSignal;
  /** Unlocks and gives the connection back to the pool. */
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  /** Wait for the holder to let go (a standby), or give up at once (null) when someone holds it. */
  wait: boolean;
  /** Stops a waiting acquisition: resolves null. */
  signal?: AbortSignal;
  /** How often a held lock's connection is checked, so a dead connection is noticed (default 5000). */
  heartbeatMs?: number;
}

// A waiting pg_advisory_lock wakes up at this interval to re-check `signal`, bounding the race in which a
// cancel reaches the server before the lock statement does.
const LOCK_WAIT_SLICE_MS = 2000;
const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';

/** Resolves after `ms`, or earlier when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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

const codeOf = (err: unknown) => (err as { code?: string } | undefined)?.code;

/**
 * Takes the advisory lock named `key` (hashed to a bigint) on a connection of its own, for as long as the
 * holder keeps it: how relays and projections run single-active across replicas, with standbys waiting.
 */
export function acquireAdvisoryLock(db: AnyDb, key: string, options: AcquireLockOptions): Promise<HeldLock | null> {
  const { signal } = options;
  const releaseCtl = new AbortController();
  const lostCtl = new AbortController();
  let pid: number | undefined;
  let settled = false;

  // Interrupts a blocked pg_advisory_lock from another connection; the wait slice covers a missed cancel.
  const cancelWait = () => {
    if (!settled && pid !== undefined) {
      sql`select pg_cancel_backend(${pid})`.execute(db).catch(() => undefined);
    }
  };

  return new Promise<HeldLock | null>((resolve, reject) => {
    const settle = (value: HeldLock | null) => {
      settled = true;
      signal?.removeEventListener('abort', cancelWait);
      resolve(value);
    };
    const held: HeldLock = {
      lost: lostCtl.signal,
      async release() {
        releaseCtl.abort();
        await session;
      },
    };
    const session = db
      .connection()
      .execute(async (conn) => {
        pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0]!.pid;
        signal?.addEventListener('abort', cancelWait, { once: true });
        let got = false;
        while (!got && !signal?.aborted) {
          if (!options.wait) {
            const r = await sql<{
              ok: boolean;
            }>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as ok`.execute(conn);
            got = r.rows[0]!.ok;
            break;
          }
          try {
            // is_local=true: the timeout applies to this statement's implicit transaction only.
            await sql`with t as (select set_config('lock_timeout', ${String(LOCK_WAIT_SLICE_MS)}, true))
              select pg_advisory_lock(hashtextextended(${key}, 0)) from t`.execute(conn);
            got = true;
          } catch (err) {
            if (codeOf(err) === LOCK_NOT_AVAILABLE) continue;
            if (codeOf(err) === QUERY_CANCELED && signal?.aborted) break;
            throw err;
          }
        }
        if (got && signal?.aborted) {
          await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn);
          got = false;
        }
        if (!got) return settle(null);
        settle(held);
        while (!releaseCtl.signal.aborted) {
          await sleep(options.heartbeatMs ?? 5000, releaseCtl.signal);
          if (releaseCtl.signal.aborted) break;
          await sql`select 1`.execute(conn);
        }
        await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn);
      })
      .catch((err: unknown) => {
        if (!settled) {
          settled = true;
          signal?.removeEventListener('abort', cancelWait);
          reject(err);
        } else if (!releaseCtl.signal.aborted) {
          // The connection died under a held lock: Postgres has released it, so the holder must stop.
          lostCtl.abort(err);
        }
      });
  });
}
