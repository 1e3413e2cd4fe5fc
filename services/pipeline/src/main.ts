import { authConfigFromEnv, createLogger, loadConfigOrExit, runService, startTelemetry } from '@railyard/service-kit';
import { pipelineConfigSchema } from './config.js';

// Composition root: config → telemetry → infrastructure → runtime → listen. Telemetry starts before anything
// loads `pg`, so its instrumentation sees the driver (hence the dynamic imports below).
const config = loadConfigOrExit(pipelineConfigSchema);
startTelemetry({ serviceName: 'pipeline', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'pipeline', level: config.LOG_LEVEL });

await runService({
  name: 'pipeline',
  logger,
  async start(onShutdown) {
    const [{ default: pg }, eventstore, readmodels, messaging, nats, { jetstreamManager }, { startPipelineRuntime }] =
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
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10, application_name: 'railyard-pipeline' });
    pool.on('error', (err) => logger.warn({ err }, 'idle Postgres connection failed'));
    onShutdown('postgres pool', () => pool.end());
    const nc = await nats.connect({ servers: config.NATS_URL, name: 'railyard-pipeline' });
    onShutdown('nats', () => nc.drain());
    const bus = await messaging.ensureBusStreams(await jetstreamManager(nc), { prefix: config.SUBJECT_PREFIX });

    const runtime = await startPipelineRuntime({
      store,
      pool,
      nats: nc,
      subjectPrefix: config.SUBJECT_PREFIX,
      busStream: bus.stream,
      auth: authConfigFromEnv(config),
      logger,
      sealIntervalMs: config.SEAL_INTERVAL_MS,
      policies: {
        strategies: config.PIPELINE_STRATEGY_POLICY,
        performance: {
          environments: config.PIPELINE_PERFORMANCE_ENVIRONMENTS,
          thresholds: config.PIPELINE_PERFORMANCE_THRESHOLDS,
        },
        signatureRequiredIn: config.PIPELINE_SIGNATURE_ENVIRONMENTS,
      },
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
    onShutdown('pipeline runtime', () => runtime.close());
    await runtime.app.listen({ host: config.HOST, port: config.PORT });
  },
});
