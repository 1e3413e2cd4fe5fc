import path from 'node:path';
import { authConfigFromEnv, createLogger, loadConfigOrExit, runService, startTelemetry } from '@railyard/service-kit';
import { artifactConfigSchema, masterKeyOf, namingConventions } from './config.js';

// Composition root: config → telemetry → infrastructure → runtime → listen. Telemetry starts before anything
// loads `pg`, so its instrumentation sees the driver (hence the dynamic imports below).
const config = loadConfigOrExit(artifactConfigSchema);
startTelemetry({ serviceName: 'artifact', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'artifact', level: config.LOG_LEVEL });
let master: ReturnType<typeof masterKeyOf>;
try {
  master = masterKeyOf(config);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

await runService({
  name: 'artifact',
  logger,
  async start(onShutdown) {
    if (master.warning) logger.warn(`WARNING: ${master.warning}`);
    const [{ default: pg }, eventstore, readmodels, messaging, nats, { jetstreamManager }, { startArtifactRuntime }] =
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
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10, application_name: 'railyard-artifact' });
    pool.on('error', (err) => logger.warn({ err }, 'idle Postgres connection failed'));
    onShutdown('postgres pool', () => pool.end());
    const nc = await nats.connect({ servers: config.NATS_URL, name: 'railyard-artifact' });
    onShutdown('nats', () => nc.drain());
    await messaging.ensureBusStreams(await jetstreamManager(nc), { prefix: config.SUBJECT_PREFIX });

    const runtime = await startArtifactRuntime({
      store,
      pool,
      nats: nc,
      subjectPrefix: config.SUBJECT_PREFIX,
      auth: authConfigFromEnv(config),
      logger,
      sealIntervalMs: config.SEAL_INTERVAL_MS,
      sweepIntervalMs: config.ARTIFACT_SWEEP_INTERVAL_MS || false,
      storageDir: path.resolve(config.ARTIFACT_STORAGE_DIR),
      masterKey: master.key,
      policies: {
        naming: namingConventions(config.ARTIFACT_NAMING),
        stages: config.ARTIFACT_STAGE_POLICIES,
        licenses: config.ARTIFACT_LICENSE_POLICY,
        retention: config.ARTIFACT_RETENTION,
        maxUploadBytes: config.ARTIFACT_MAX_UPLOAD_BYTES,
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
    onShutdown('artifact runtime', () => runtime.close());
    await runtime.app.listen({ host: config.HOST, port: config.PORT });
  },
});
