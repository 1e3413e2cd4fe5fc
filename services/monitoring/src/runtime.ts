import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@railyard/eventstore';
import type { Relay } from '@railyard/messaging';
import { type App, type AuthConfig, createClosers, type Logger, type ReadinessCheck } from '@railyard/service-kit';
import { startServiceRelay, startStoreUpkeep } from '@railyard/service-kit/backbone';
import type pg from 'pg';
import { buildMonitoringApp } from './app.js';

export interface MonitoringRuntimeOptions {
  store: EventStore;
  /** The service's database: relay checkpoint. Owned by the caller. */
  pool: pg.Pool;
  auth: AuthConfig;
  logger: Logger;
  /** The bus; without it no relay runs (tests of the HTTP slices alone). */
  nats?: NatsConnection;
  subjectPrefix?: string;
  /** How often the Postgres log is sealed; false: no sealer in this process. */
  sealIntervalMs?: number | false;
  readiness?: Record<string, ReadinessCheck>;
  now?: () => Date;
}

export interface MonitoringRuntime {
  app: App;
  relay?: Relay;
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/** The monitoring service's moving parts, wired once for main(), the tests and the bench. */
export async function startMonitoringRuntime(options: MonitoringRuntimeOptions): Promise<MonitoringRuntime> {
  const { store, pool, logger } = options;
  const closers = createClosers(logger);
  const close = () => closers.close();
  try {
    const relay = options.nats
      ? await startServiceRelay(
          { store, pool, nats: options.nats, service: 'monitoring', subjectPrefix: options.subjectPrefix },
          logger,
          closers,
        )
      : undefined;
    startStoreUpkeep(store, { sealIntervalMs: options.sealIntervalMs }, logger, closers);
    const app = await buildMonitoringApp({
      store,
      auth: options.auth,
      logger,
      now: options.now,
      readiness: { store: () => store.ping(), ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, relay, close };
  } catch (error) {
    await close();
    throw error;
  }
}
