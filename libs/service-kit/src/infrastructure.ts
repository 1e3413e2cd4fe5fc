import type { NatsConnection } from '@nats-io/transport-node';
import type { ServiceName } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { BusStreamNames } from '@railyard/messaging';
import type pg from 'pg';
import type { BaseConfig } from './config.js';
import type { ReadinessCheck } from './health.js';
import type { Logger } from './logging.js';
import { type NatsLink, openNatsLink } from './nats-link.js';
import type { OnShutdown } from './shutdown.js';

/** What every service runs on: the event store, its own database pool, the bus, and their readiness checks. */
export interface ServiceInfrastructure {
  store: EventStore;
  /** The service's database (read models, relay checkpoint, inbox), created if missing. */
  pool: pg.Pool;
  nats: NatsConnection;
  /** The JetStream streams capturing `<SUBJECT_PREFIX>.>` and its dead letters. */
  bus: BusStreamNames;
  /** Whether NATS is connected now, and the reconnect attempts of the current outage. */
  natsState: NatsLink['state'];
  /** Postgres and NATS checks for /health/ready (the runtime adds the store's). */
  readiness: Record<string, ReadinessCheck>;
}

/**
 * Opens a service's infrastructure from its configuration, registering each close with `onShutdown` so they
 * close in reverse. Imports `pg`, NATS and the store lazily: main() starts telemetry first, and the pg
 * instrumentation only sees a driver loaded after it.
 */
export async function openServiceInfrastructure(
  service: ServiceName,
  config: BaseConfig,
  logger: Logger,
  onShutdown: OnShutdown,
): Promise<ServiceInfrastructure> {
  const [{ default: pgDriver }, eventstore, readmodels, messaging, natsClient, { jetstreamManager }] =
    await Promise.all([
      import('pg'),
      import('@railyard/eventstore'),
      import('@railyard/readmodels'),
      import('@railyard/messaging'),
      import('@nats-io/transport-node'),
      import('@nats-io/jetstream'),
    ]);
  await readmodels.ensureDatabase(config.DATABASE_URL);
  // Every pool the service owns survives a backend dying under any connection, idle or held, and logs it: a
  // terminated backend must cost one failed query, never the process (see watchPoolErrors).
  const onConnectionError = (pool: string) => (err: Error, state: 'idle' | 'held') =>
    logger.warn({ err, pool, connection: state }, 'Postgres connection failed; the pool replaces it');
  const store = await eventstore.openEventStore(config.EVENTSTORE_URL, config.DATABASE_URL, {
    onConnectionError: onConnectionError('eventstore'),
    poolSize: config.EVENTSTORE_POOL_MAX,
  });
  onShutdown('event store', () => store.close());
  const pool = new pgDriver.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
    application_name: `railyard-${service}`,
  });
  eventstore.watchPoolErrors(pool, onConnectionError('service'));
  onShutdown('postgres pool', () => pool.end());
  const link = await openNatsLink(natsClient.connect, {
    servers: config.NATS_URL,
    name: `railyard-${service}`,
    reconnect: { initialWaitMs: config.NATS_RECONNECT_WAIT_MS, maxWaitMs: config.NATS_RECONNECT_MAX_WAIT_MS },
    logger,
  });
  const nats = link.nc;
  onShutdown('nats', () => link.close());
  const bus = await messaging.ensureBusStreams(await jetstreamManager(nats), { prefix: config.SUBJECT_PREFIX });
  return {
    store,
    pool,
    nats,
    bus,
    natsState: link.state,
    readiness: {
      postgres: async () => {
        await pool.query('SELECT 1');
      },
      nats: link.readiness,
    },
  };
}
