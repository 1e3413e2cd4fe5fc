import path from 'node:path';
import {
  authConfigFromEnv,
  createLogger,
  loadConfigOrExit,
  openServiceInfrastructure,
  rateLimitFromEnv,
  runService,
  startTelemetry,
} from '@railyard/service-kit';
import { artifactConfigSchema, masterKeyOf, namingConventions } from './config.js';

// Composition root: config → telemetry → infrastructure → runtime → listen. Telemetry starts before anything
// loads `pg`, so its instrumentation sees the driver (hence the runtime's dynamic import).
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
    const infra = await openServiceInfrastructure('artifact', config, logger, onShutdown);
    const { startArtifactRuntime } = await import('./runtime.js');
    const runtime = await startArtifactRuntime({
      store: infra.store,
      pool: infra.pool,
      nats: infra.nats,
      subjectPrefix: config.SUBJECT_PREFIX,
      auth: authConfigFromEnv(config),
      rateLimit: rateLimitFromEnv(config),
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
        emptyContentKinds: config.ARTIFACT_EMPTY_CONTENT_KINDS,
      },
      readiness: infra.readiness,
    });
    onShutdown('artifact runtime', () => runtime.close());
    await runtime.app.listen({ host: config.HOST, port: config.PORT });
  },
});
