import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ServiceName } from '@railyard/contracts';
import { type EventStore, type PostgresEventStore, startSealer } from '@railyard/eventstore';
import { createRelay, ensureMessagingSchema, type Relay } from '@railyard/messaging';
import {
  createProjectionRunner,
  ensureCheckpointTable,
  type ProjectionOptions,
  type ProjectionRunner,
} from '@railyard/readmodels';
import type pg from 'pg';
import type { Logger } from './logging.js';
import { observedGauge, observedGaugeSeries } from './metrics.js';
import type { createClosers } from './shutdown.js';

type Closers = ReturnType<typeof createClosers>;

// A subpath of its own (`@railyard/service-kit/backbone`), kept out of the kit's index: it loads the store and
// `pg`, which main() must only load after telemetry has started. Runtimes import it; mains do not.

/**
 * Starts the service's relay (store → NATS), registers its stop and its lag gauge. Every service runs exactly
 * one, publishing the categories it owns.
 */
export async function startServiceRelay(
  options: { store: EventStore; pool: pg.Pool; nats: NatsConnection; service: ServiceName; subjectPrefix?: string },
  logger: Logger,
  closers: Closers,
): Promise<Relay> {
  await ensureMessagingSchema(options.pool);
  // Follows the connection so the relay pauses (and lets go of its lock) while NATS is away.
  let connected = !options.nats.isClosed();
  void (async () => {
    for await (const s of options.nats.status()) {
      if (s.type === 'disconnect' || s.type === 'close') connected = false;
      else if (s.type === 'reconnect') connected = true;
    }
  })().catch((err) => logger.warn({ err }, 'relay lost track of the NATS connection state'));
  const relay = createRelay({
    store: options.store,
    js: jetstream(options.nats),
    pool: options.pool,
    service: options.service,
    subjectPrefix: options.subjectPrefix,
    busConnected: () => connected && !options.nats.isClosed(),
    logger,
  });
  await relay.start();
  closers.add('relay', () => relay.stop());
  observedGauge('railyard_relay_lag_events', 'Events in the store not yet published to NATS', () => relay.lag());
  return relay;
}

/**
 * A projection runner that is never started, for a `web` process: its position and `waitFor` follow the checkpoint
 * the worker holding the projection commits (read from the table), so read-your-writes waits work from any process.
 */
export async function createServiceProjection(
  projection: Omit<ProjectionOptions, 'logger'>,
  logger: Logger,
): Promise<ProjectionRunner> {
  // The table its position is read from, in case this process starts before any worker has.
  await ensureCheckpointTable(projection.db, projection.schema);
  return createProjectionRunner({ ...projection, logger });
}

/** Starts a projection runner, registers its stop and its series of `railyard_projection_lag_events`. */
export async function startServiceProjection(
  projection: Omit<ProjectionOptions, 'logger'>,
  logger: Logger,
  closers: Closers,
): Promise<ProjectionRunner> {
  const runner = createProjectionRunner({ ...projection, logger });
  await runner.start();
  closers.add(`${projection.name} projection`, () => runner.stop());
  observedGaugeSeries(
    'railyard_projection_lag_events',
    'Events a projection has still to apply',
    'projection',
    projection.name,
    () => runner.lag(),
  );
  return runner;
}

/**
 * The Postgres store's upkeep in a service: the sealer (unless `sealIntervalMs` is false) and the gauge of
 * events held back by the xmin horizon. Nothing for other stores.
 */
export function startStoreUpkeep(
  store: EventStore,
  options: { sealIntervalMs?: number | false },
  logger: Logger,
  closers: Closers,
): void {
  if (store.kind !== 'postgres') return;
  const pgStore = store as PostgresEventStore;
  if (options.sealIntervalMs !== false) {
    const sealer = startSealer(pgStore.pool, {
      intervalMs: options.sealIntervalMs ?? 5000,
      onError: (err) => logger.warn({ err }, 'sealing the log failed'),
    });
    closers.add('sealer', () => sealer.stop());
  }
  observedGauge(
    'railyard_eventstore_held_back_events',
    'Committed events readers cannot see yet because an older transaction is still open on the server',
    () => pgStore.heldBack(),
  );
}

export {
  type LeasedTicker,
  type LeasedTickerOptions,
  type LeasedTickerStatus,
  startLeasedTicker,
} from './leased-ticker.js';
export * from './service-runtime.js';
