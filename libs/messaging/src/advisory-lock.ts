import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/**
 * Takes a session-level Postgres advisory lock keyed by `key` on `client`, polling with `pg_try_advisory_lock`
 * until it is granted or `signal` aborts (returns false then). Polling rather than a blocking
 * `pg_advisory_lock` keeps a standby stoppable at any time. The lock lives as long as the connection: a
 * process that dies releases it, and its standby takes over.
 */
export async function acquireAdvisoryLock(
  client: pg.ClientBase,
  key: string,
  options: { pollMs: number; signal: AbortSignal },
): Promise<boolean> {
  while (!options.signal.aborted) {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
      [key],
    );
    if (rows[0]?.locked) return true;
    try {
      await sleep(options.pollMs, undefined, { signal: options.signal });
    } catch {
      // Aborted while waiting: the caller is stopping.
      return false;
    }
  }
  return false;
}

/** Releases a lock taken by acquireAdvisoryLock on the same connection. */
export async function releaseAdvisoryLock(client: pg.ClientBase, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
}
