import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { busStreamNames, DEFAULT_SUBJECT_PREFIX, type ServiceName } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { DurableConsumer, Relay } from '@railyard/messaging';
import {
  createDb,
  type MigrateSchemaOptions,
  migrateSchema,
  type ProjectionOptions,
  type ProjectionRunner,
} from '@railyard/readmodels';
import type { Kysely, Migration } from 'kysely';
import type pg from 'pg';
import type { App } from './app.js';
import { linkAppendWakeups } from './append-wakeups.js';
import type { AuthConfig } from './auth.js';
import { createServiceProjection, startServiceProjection, startServiceRelay, startStoreUpkeep } from './backbone.js';
import type { ReadinessCheck } from './health.js';
import type { Logger } from './logging.js';
import { observedGaugeSeries } from './metrics.js';
import type { RateLimitConfig } from './rate-limit.js';
import type { ServiceRuntimeBase } from './service-main.js';
import { createClosers } from './shutdown.js';

/** A projection as a slice exports it (`{ name, schema, filter, project | projectBatch, reset? }`). */
export type ServiceProjection = Omit<ProjectionOptions, 'store' | 'db' | 'logger'>;

/** What the runtime hands the service's own parts, consumers and app: everything started so far. */
export interface RuntimeContext<Db, P extends string> {
  service: ServiceName;
  store: EventStore;
  pool: pg.Pool;
  /** The service's schema through kysely, on the caller's pool (never destroyed by the runtime). */
  db: Kysely<Db>;
  logger: Logger;
  now: () => Date;
  /**
   * The projections, by the keys given in `projections`: running (single-active under their leases), or in a `web`
   * process never started, where their position and `waitFor` follow the checkpoint a worker commits.
   */
  projections: Record<P, ProjectionRunner>;
  /** Registers something to stop when the runtime closes; closes run newest first. */
  onClose(name: string, close: () => Promise<unknown> | unknown): void;
}

/** The bus as a durable consumer needs it (see createConsumer), present only when the runtime has NATS. */
export interface ServiceBus {
  nats: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** The JetStream stream capturing `<subjectPrefix>.>`. */
  stream: string;
  subjectPrefix: string;
}

/** The kit's part of the app's dependencies (see AppDeps): spread it into the service's buildApp. */
export interface AppKit {
  auth: AuthConfig;
  rateLimit?: RateLimitConfig | false;
  logger: Logger;
  /** The caller's checks plus the store's. */
  readiness: Record<string, ReadinessCheck>;
}

export interface ServiceRuntimeOptions<Db, P extends string, Parts> extends ServiceRuntimeBase {
  service: ServiceName;
  /**
   * The service's read-model schema, migrated at start: its in-code migrations (schema = the service's name), or
   * one entry per schema the service owns (governance: its own and `reporting`).
   */
  migrations?: Record<string, Migration> | MigrateSchemaOptions[];
  /** The projections to run (single-active under a lease, lag gauged), by the name the runtime returns them. */
  projections?: Record<P, ServiceProjection>;
  /**
   * The service's own moving parts (content storage, keyrings, schedulers, snapshots …), started after the
   * projections; register their stops with `ctx.onClose`. Whatever it returns reaches consumers, the app and the
   * caller as `parts`.
   */
  parts?: (ctx: RuntimeContext<Db, P>) => Parts | Promise<Parts>;
  /**
   * The durable consumers of other services' events (only with NATS): each is started, stopped at close, and
   * gauged by name on `railyard_consumer_lag_messages`.
   */
  consumers?: (
    bus: ServiceBus,
    ctx: RuntimeContext<Db, P> & { parts: Parts },
  ) => DurableConsumer[] | Promise<DurableConsumer[]>;
  /** Builds the HTTP app (not listening); the runtime closes it first. */
  buildApp: (ctx: RuntimeContext<Db, P> & { parts: Parts; kit: AppKit }) => Promise<App>;
}

export interface ServiceRuntime<Db, P extends string, Parts> {
  app: App;
  db: Kysely<Db>;
  projections: Record<P, ProjectionRunner>;
  parts: Parts;
  relay?: Relay;
  consumers: DurableConsumer[];
  /** Stops what start opened, in reverse order (the app first). Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * A service's moving parts, wired the same way in every service, for main(), the integration tests and the bench:
 * migrations → append wake-ups between processes (with NATS only) → relay (store → NATS, with NATS only) → projections → the service's parts → consumers (with NATS
 * only) → the store's upkeep (sealer) → the HTTP app. Lag gauges for each. On a failure at start, what was started
 * is stopped again before the error is rethrown.
 */
export async function startServiceRuntime<Db, P extends string = never, Parts = undefined>(
  options: ServiceRuntimeOptions<Db, P, Parts>,
): Promise<ServiceRuntime<Db, P, Parts>> {
  const { service, store, pool, logger } = options;
  const role = options.role ?? 'all';
  // A web process appends and answers; the relay, projections, consumers and sealer run in a worker.
  const background = role !== 'web';
  const closers = createClosers(logger);
  const close = () => closers.close();
  try {
    // The db shares the caller's pool; it is never destroyed here, since destroying it would end that pool.
    const db = createDb<Db>(pool);
    const migrations = Array.isArray(options.migrations)
      ? options.migrations
      : options.migrations
        ? [{ schema: service, migrations: options.migrations }]
        : [];
    for (const schema of migrations) await migrateSchema(db, schema);

    const subjectPrefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
    if (options.nats) {
      // Before anything subscribes: the relay and projections of whichever process holds their leases hear of
      // appends made by the others (replicas, other services) at once instead of at their next poll.
      closers.add('append wake-ups', linkAppendWakeups(store, options.nats, { subjectPrefix }));
    }
    const relay =
      options.nats && background
        ? await startServiceRelay({ store, pool, nats: options.nats, service, subjectPrefix }, logger, closers)
        : undefined;

    const projections = {} as Record<P, ProjectionRunner>;
    for (const [key, projection] of Object.entries(options.projections ?? {}) as [P, ServiceProjection][]) {
      projections[key] = background
        ? await startServiceProjection({ ...projection, store, db }, logger, closers)
        : await createServiceProjection({ ...projection, store, db }, logger);
    }

    const ctx: RuntimeContext<Db, P> = {
      service,
      store,
      pool,
      db,
      logger,
      now: options.now ?? (() => new Date()),
      projections,
      onClose: (name, stop) => closers.add(name, stop),
    };
    const parts = (options.parts ? await options.parts(ctx) : undefined) as Parts;

    const consumers: DurableConsumer[] = [];
    if (options.nats && options.consumers && background) {
      const bus: ServiceBus = {
        nats: options.nats,
        js: jetstream(options.nats),
        jsm: await jetstreamManager(options.nats),
        stream: options.busStream ?? busStreamNames(subjectPrefix).stream,
        subjectPrefix,
      };
      for (const consumer of await options.consumers(bus, { ...ctx, parts })) {
        await consumer.start();
        closers.add(`${consumer.name} consumer`, () => consumer.stop());
        observedGaugeSeries(
          'railyard_consumer_lag_messages',
          'Messages a durable consumer has not yet handled',
          'consumer',
          consumer.name,
          () => consumer.lag(),
        );
        consumers.push(consumer);
      }
    }

    startStoreUpkeep(store, { sealIntervalMs: background ? options.sealIntervalMs : false }, logger, closers);
    if (!background) {
      logger.info(
        { role },
        'web process: the relay, projections, durable consumers and sealer are left to a worker on this database',
      );
    }

    const kit: AppKit = {
      auth: options.auth,
      rateLimit: options.rateLimit,
      logger,
      readiness: { store: () => store.ping(), ...options.readiness },
    };
    const app = await options.buildApp({ ...ctx, parts, kit });
    closers.add('http server', () => app.close());
    return { app, db, projections, parts, relay, consumers, close };
  } catch (error) {
    await close();
    throw error;
  }
}
