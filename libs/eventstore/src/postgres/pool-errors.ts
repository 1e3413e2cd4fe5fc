import type pg from 'pg';

/** Where a pooled connection was when its backend died: idle in the pool, or checked out by some holder. */
export type ConnectionState = 'idle' | 'held';

/** Told of each pooled connection that failed (server restart, pg_terminate_backend, network loss). */
export type ConnectionErrorListener = (err: Error, state: ConnectionState) => void;

/**
 * Makes a pool survive its backends dying, and says so. pg-pool listens for an idle client's `error` (and re-emits it
 * on the pool), but drops that listener while the client is checked out: a backend terminated under a held
 * connection (a transaction, a migration, a lock session) then emits `error` with no listener, and Node kills the
 * process. This gives every client the pool creates a listener of its own for its whole life. The holder still
 * learns of the failure from its query's rejection and releases the client, which the pool then discards
 * (`_queryable` is false), so the next checkout opens a fresh connection: the pool recovers without a restart.
 */
export function watchPoolErrors(pool: pg.Pool, onError: ConnectionErrorListener): pg.Pool {
  const held = new WeakSet<pg.PoolClient>();
  pool.on('connect', (client) => {
    // Idle failures arrive through the pool's own 'error' below; reporting them here too would log them twice.
    client.on('error', (err) => {
      if (held.has(client as pg.PoolClient)) onError(err, 'held');
    });
  });
  pool.on('acquire', (client) => held.add(client));
  pool.on('release', (_err, client) => held.delete(client));
  pool.on('error', (err) => onError(err, 'idle'));
  return pool;
}

/** The default listener where no logger is given: one line on stderr, never the process. */
export const warnConnectionError: ConnectionErrorListener = (err, state) => {
  console.warn(`${state} Postgres connection failed; the pool replaces it: ${err.message}`);
};
