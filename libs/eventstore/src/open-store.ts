import type { EventStore } from './port.js';
import type { ConnectionErrorListener } from './postgres/pool-errors.js';
import { createPostgresEventStore } from './postgres/postgres-store.js';

/**
 * Opens the event store named by `EVENTSTORE_URL` (DESIGN §1): Postgres when it is unset or `postgres://…`
 * (falling back to the service's DATABASE_URL), KurrentDB for `kurrentdb://…` / `esdb://…`. The KurrentDB
 * client is loaded only when it is used. `applySchema: false` opens a Postgres store as it is, for tools that inspect
 * it (see PostgresEventStoreOptions).
 */
export async function openEventStore(
  eventstoreUrl: string | undefined,
  databaseUrl: string,
  options: { onConnectionError?: ConnectionErrorListener; applySchema?: boolean; poolSize?: number } = {},
): Promise<EventStore> {
  const url = eventstoreUrl && eventstoreUrl.length > 0 ? eventstoreUrl : databaseUrl;
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const store = createPostgresEventStore({
      connectionString: url,
      onConnectionError: options.onConnectionError,
      applySchema: options.applySchema,
      poolSize: options.poolSize,
    });
    await store.ready();
    return store;
  }
  if (/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?$/.test(scheme)) {
    const { createKurrentEventStore } = await import('./kurrentdb/kurrentdb-store.js');
    const store = createKurrentEventStore({ connectionString: url });
    await store.ping();
    return store;
  }
  throw new TypeError(`EVENTSTORE_URL must start with postgres://, kurrentdb:// or esdb://, not ${scheme}://`);
}
