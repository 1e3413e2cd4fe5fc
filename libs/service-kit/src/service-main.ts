import type { NatsConnection } from '@nats-io/transport-node';
import type { ServiceName } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type pg from 'pg';
import type { z } from 'zod';
import type { App } from './app.js';
import { type AuthConfig, authConfigFromEnv } from './auth.js';
import { type BaseConfig, ConfigError, loadConfigOrExit } from './config.js';
import type { ReadinessCheck } from './health.js';
import { openServiceInfrastructure, type ServiceInfrastructure } from './infrastructure.js';
import { createLogger, type Logger } from './logging.js';
import { type RateLimitConfig, rateLimitFromEnv } from './rate-limit.js';
import { runService } from './shutdown.js';
import { startTelemetry } from './telemetry.js';

/**
 * What a service process runs. `all`: the HTTP API and the background work (the relay to NATS, the projections,
 * the durable consumers, the sealer), each single-active under its lease across replicas. `web`: the HTTP API only;
 * it appends and reads, and leaves the background work to a `worker` (or an `all`) process on the same database,
 * which hears its appends through the append notices on NATS. `worker` runs what `all` runs; the name says that no
 * traffic is routed to it. Scheduled jobs that a service starts among its own parts run in every role, single-active
 * under their leases.
 */
export type ServiceRole = 'all' | 'web' | 'worker';

/**
 * What every service runtime takes, from main() or from a test fixture: the infrastructure (owned by the caller,
 * never closed by the runtime) and the kit's settings. Each service's runtime options extend it with its own.
 */
export interface ServiceRuntimeBase {
  store: EventStore;
  /** The service's database: read models, relay checkpoint, inbox. Owned by the caller. */
  pool: pg.Pool;
  auth: AuthConfig;
  /** Requests per principal per window (429 beyond); omitted: no limit (tests, bench). */
  rateLimit?: RateLimitConfig | false;
  logger: Logger;
  /** The bus; without it neither the relay nor the consumers run (tests of the HTTP slices alone). */
  nats?: NatsConnection;
  subjectPrefix?: string;
  /** The JetStream stream capturing `<prefix>.>` (default: derived from the prefix, `RAILYARD` for `railyard`). */
  busStream?: string;
  /** How often the Postgres log is sealed; false: no sealer in this process. */
  sealIntervalMs?: number | false;
  /** Readiness checks beside the store's (Postgres, NATS …). */
  readiness?: Record<string, ReadinessCheck>;
  /** The clock every command reads: tests move it instead of sleeping. */
  now?: () => Date;
  /** What this process runs (default `all`): `web` leaves the relay, projections, consumers and sealer to a worker. */
  role?: ServiceRole;
}

/** What main() needs of a started runtime: the app to listen with, and how to stop what it started. */
export interface StartedRuntime {
  app: App;
  close(): Promise<void>;
}

/** The configuration every service's schema yields: the kit's variables, its port and the sealer's pace. */
export type ServiceConfig = BaseConfig & { PORT: number; SEAL_INTERVAL_MS?: number };

/** The runtime base main() composes from the configuration and the opened infrastructure. */
export function runtimeBaseOf(config: ServiceConfig, infra: ServiceInfrastructure, logger: Logger): ServiceRuntimeBase {
  return {
    store: infra.store,
    pool: infra.pool,
    nats: infra.nats,
    subjectPrefix: config.SUBJECT_PREFIX,
    busStream: infra.bus.stream,
    auth: authConfigFromEnv(config),
    rateLimit: rateLimitFromEnv(config),
    logger,
    sealIntervalMs: config.SEAL_INTERVAL_MS,
    readiness: infra.readiness,
    role: config.RAILYARD_ROLE,
  };
}

export interface ServiceMainOptions<S extends z.ZodObject, P> {
  service: ServiceName;
  /** The service's environment schema: `baseConfigSchema.extend({ PORT: portSchema(41xx), … })`. */
  configSchema: S;
  /**
   * Checks beyond the schema, before anything opens (a production-only secret …). A ConfigError stops the process
   * with its message, as a bad variable does; what it returns is handed to `start`.
   */
  prepare?: (config: z.infer<S>, logger: Logger) => P;
  /**
   * Starts the service's runtime on the opened infrastructure. Import the runtime module dynamically here: telemetry
   * must start before anything loads `pg`, so its instrumentation sees the driver.
   */
  start: (base: ServiceRuntimeBase, config: z.infer<S>, prepared: P) => Promise<StartedRuntime>;
}

/**
 * The error a start that waited in vain for a pool connection fails with: pg-pool's own message says only that it
 * timed out. Every projection, the relay, each durable consumer and the sealer hold a connection of their own while
 * they run, so a pool smaller than those leaves nothing for the start's own queries.
 */
export function poolStarvedAtStart(
  error: unknown,
  service: string,
  config: Pick<BaseConfig, 'DATABASE_POOL_MAX' | 'DATABASE_CONNECT_TIMEOUT_MS'>,
): Error | undefined {
  if (!(error instanceof Error) || !/timeout exceeded when trying to connect/i.test(error.message)) return undefined;
  return new Error(
    `${service} could not start: no connection of its Postgres pool came free within ` +
      `${config.DATABASE_CONNECT_TIMEOUT_MS} ms. DATABASE_POOL_MAX=${config.DATABASE_POOL_MAX} is too small for ` +
      'what holds a connection while it runs (the relay, each projection, each durable consumer, the sealer, ' +
      'scheduled jobs): raise DATABASE_POOL_MAX.',
    { cause: error },
  );
}

/**
 * A service's whole main(): configuration (exit 1 naming each bad variable) → telemetry → logger → infrastructure
 * (store, pool watched for dying backends, NATS, bus streams) → runtime → listen, with graceful shutdown on
 * SIGINT/SIGTERM closing everything in reverse (see runService).
 */
export async function runServiceMain<S extends z.ZodObject, P = undefined>(
  options: ServiceMainOptions<S, P>,
): Promise<void> {
  const { service } = options;
  const config = loadConfigOrExit(options.configSchema) as z.infer<S> & ServiceConfig;
  startTelemetry({ serviceName: service, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const logger = createLogger({ name: service, level: config.LOG_LEVEL });
  let prepared: P;
  try {
    prepared = options.prepare ? options.prepare(config, logger) : (undefined as P);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  await runService({
    name: service,
    logger,
    async start(onShutdown) {
      const infra = await openServiceInfrastructure(service, config, logger, onShutdown);
      const runtime = await options
        .start(runtimeBaseOf(config, infra, logger), config, prepared)
        .catch((error: unknown) => {
          throw poolStarvedAtStart(error, service, config) ?? error;
        });
      onShutdown(`${service} runtime`, () => runtime.close());
      await runtime.app.listen({ host: config.HOST, port: config.PORT });
    },
  });
}
