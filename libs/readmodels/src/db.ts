import { type ConnectionErrorListener, warnConnectionError, watchPoolErrors } from '@railyard/eventstore';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';

/** A Kysely over whichever service schema: the read-model machinery does not know a service's tables. */
// biome-ignore lint/suspicious/noExplicitAny: schema-agnostic by design, as Kysely's own Migration API (Kysely<any>).
export type AnyDb = Kysely<any>;
/** A transaction of an AnyDb: what projections and resets write through. */
// biome-ignore lint/suspicious/noExplicitAny: see AnyDb.
export type AnyTransaction = Transaction<any>;

export interface CreateDbOptions {
  /** Pool size when a connection string is given (default 10). Each running projection holds one connection. */
  maxConnections?: number;
  /** Shown in pg_stat_activity, so a DBA can tell services apart. */
  applicationName?: string;
  /** Told when a pooled connection dies, idle or held (server restart, terminated backend); default: a warning. */
  onConnectionError?: ConnectionErrorListener;
}

/**
 * A Kysely instance over Postgres. Given a pool, it uses (and on `destroy()`, ends) that pool.
 * Note: pg returns `bigint` (int8) columns as strings unless the caller installs a type parser.
 */
export function createDb<DB>(connection: string | pg.Pool, options: CreateDbOptions = {}): Kysely<DB> {
  let pool: pg.Pool;
  if (typeof connection === 'string') {
    pool = new pg.Pool({
      connectionString: connection,
      max: options.maxConnections ?? 10,
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
    });
    // Without listeners a dying backend would crash the process (Kysely holds clients through transactions and
    // migrations); the pool replaces the client on next use.
    watchPoolErrors(pool, options.onConnectionError ?? warnConnectionError);
  } else {
    pool = connection;
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

// Kysely hides its pool, but a lease needs a raw pg session of its own (to listen for its errors, which Kysely's
// connections do not): remember which pool each db was made over.
const pools = new WeakMap<object, pg.Pool>();

/** The pg pool a db made by createDb runs on (projections take their lease on a session of it). */
export function poolOf(db: AnyDb): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new TypeError('this Kysely instance was not made by createDb(): its pool is unknown');
  return pool;
}

/** The database name of a `postgres://…/<name>` URL. */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`database URL names no database: ${redact(url)}`);
  return name;
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * The same server's maintenance database (`postgres`), keeping credentials and options: where databases are created
 * and dropped from, since the one a URL names may not exist yet (or is the one being dropped).
 */
export function maintenanceDatabaseUrl(url: string): string {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return admin.toString();
}

// duplicate_database, and unique_violation on pg_database when two processes race through CREATE DATABASE.
const ALREADY_EXISTS = new Set(['42P04', '23505']);

/**
 * Creates the database `url` points at when it does not exist yet, through the server's `postgres` database
 * (DATABASE_URL defaults to `…/railyard`, which a fresh machine lacks). Safe to call concurrently.
 */
export async function ensureDatabase(url: string): Promise<{ created: boolean }> {
  const name = databaseNameOf(url);
  const client = new pg.Client({ connectionString: maintenanceDatabaseUrl(url) });
  // A backend dying mid-call rejects the call in progress, which is how it reaches the caller; without a listener
  // the client's 'error' event would also kill the process.
  client.on('error', () => {});
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return { created: false };
    try {
      // CREATE DATABASE takes no parameters: the name is quoted as an identifier instead.
      await client.query(`create database ${pg.escapeIdentifier(name)}`);
      return { created: true };
    } catch (err) {
      if (ALREADY_EXISTS.has((err as { code?: string }).code ?? '')) return { created: false };
      throw err;
    }
  } finally {
    await client.end();
  }
}
