import { type EventStore, openEventStore, type PostgresEventStore } from '@railyard/eventstore';
import pg from 'pg';
import { type CliIo, envVar } from './io.js';

/** The Postgres store's schema (the adapter's default, which the services use). */
const EVENTSTORE_SCHEMA = 'eventstore';

/** The database holds no event store: the CLI reports it instead of creating one. */
export class NoEventStoreError extends Error {
  override readonly name = 'NoEventStoreError';
}

/** The same default as the services (DESIGN §1), so the CLI reads what `npm start` writes. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/railyard';

/** The database the services use: DATABASE_URL or the development default. */
export function databaseUrlOf(env: NodeJS.ProcessEnv): string {
  return envVar(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
}

/** Opens the store the services write to (EVENTSTORE_URL, else DATABASE_URL), runs `use`, then closes it. */
export async function withStore<T>(io: CliIo, use: (store: EventStore) => Promise<T>): Promise<T> {
  const url = envVar(io.env, 'EVENTSTORE_URL') ?? databaseUrlOf(io.env);
  if (!eventStoreIsKurrent(io.env)) await assertPostgresStoreExists(url);
  // The store as it is: applying the schema would re-arm the triggers that `audit verify` inspects.
  const store = await openEventStore(envVar(io.env, 'EVENTSTORE_URL'), databaseUrlOf(io.env), { applySchema: false });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** Whether EVENTSTORE_URL names a store other than Postgres (decided without connecting to it). */
export function eventStoreIsKurrent(env: NodeJS.ProcessEnv): boolean {
  const url = envVar(env, 'EVENTSTORE_URL');
  if (!url) return false;
  return !/^postgres(ql)?:/i.test(url);
}

/** Narrows a store to the Postgres adapter, whose pool and schema the audit commands need. */
export function asPostgresStore(store: EventStore): PostgresEventStore | null {
  return store.kind === 'postgres' && 'pool' in store ? (store as PostgresEventStore) : null;
}

/**
 * Opening the Postgres store applies its schema; a forensic tool must not write to the database it inspects
 * (nor leave an empty store behind in a database given by mistake), so it checks the store is there first.
 */
async function assertPostgresStoreExists(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ events: string | null; db: string }>(
      'SELECT to_regclass($1) AS events, current_database() AS db',
      [`${EVENTSTORE_SCHEMA}.events`],
    );
    if (!rows[0]?.events) {
      throw new NoEventStoreError(
        `database ${rows[0]?.db} holds no event store (no ${EVENTSTORE_SCHEMA}.events table); check DATABASE_URL / EVENTSTORE_URL`,
      );
    }
  } finally {
    await client.end();
  }
}
