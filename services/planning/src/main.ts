import { authConfigFromEnv, createLogger, loadConfigOrExit, runService, startTelemetry } from '@railyard/service-kit';
import { planningConfigSchema } from './config.js';

// Composition root: config → telemetry → infrastructure → runtime → listen. Telemetry starts before anything
// loads `pg`, so its instrumentation sees the driver (hence the dynamic imports below).
const config = loadConfigOrExit(planningConfigSchema);
startTelemetry({ serviceName: 'planning', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'planning', level: config.LOG_LEVEL });

await runService({
  name: 'planning',
  logger,
  async start(onShutdown) {
    const [{ default: pg }, eventstore, readmodels, messaging, nats, { jetstreamManager }, { startPlanningRuntime }] =
      await Promise.all([
        import('pg'),
        import('@railyard/eventstore'),
        import('@railyard/readmodels'),
        import('@railyard/messaging'),
        import('@nats-io/transport-node'),
        import('@nats-io/jetstream'),
        import('./runtime.js'),
      ]);

    await readmodels.ensureDatabase(config.DATABASE_URL);
    const store = await eventstore.openEventStore(config.EVENTSTORE_URL, config.DATABASE_URL);
    onShutdown('event store', () => store.close());
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10, application_name: 'railyard-planning' });
    pool.on('error', (err) => logger.warn({ err }, 'idle Postgres connection failed'));
    onShutdown('postgres pool', () => pool.end());
    const nc = await nats.connect({ servers: config.NATS_URL, name: 'railyard-planning' });
    onShutdown('nats', () => nc.drain());
    await messaging.ensureBusStreams(await jetstreamManager(nc), { prefix: config.SUBJECT_PREFIX });

    const runtime = await startPlanningRuntime({
      store,
      pool,
      nats: nc,
      subjectPrefix: config.SUBJECT_PREFIX,
      auth: authConfigFromEnv(config),
      logger,
      sealIntervalMs: config.SEAL_INTERVAL_MS,
      readiness: {
        postgres: async () => {
          await pool.query('SELECT 1');
        },
        nats: async () => {
          if (nc.isClosed()) throw new Error('NATS connection closed');
          await nc.flush();
        },
      },
    });
    onShutdown('planning runtime', () => runtime.close());
    await runtime.app.listen({ host: config.HOST, port: config.PORT });
  },
});
