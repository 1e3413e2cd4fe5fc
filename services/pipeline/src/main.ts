import {
  authConfigFromEnv,
  createLogger,
  loadConfigOrExit,
  openServiceInfrastructure,
  rateLimitFromEnv,
  runService,
  startTelemetry,
} from '@railyard/service-kit';
import { pipelineConfigSchema } from './config.js';

// Composition root: config → telemetry → infrastructure → runtime → listen. Telemetry starts before anything
// loads `pg`, so its instrumentation sees the driver (hence the runtime's dynamic import).
const config = loadConfigOrExit(pipelineConfigSchema);
startTelemetry({ serviceName: 'pipeline', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'pipeline', level: config.LOG_LEVEL });

await runService({
  name: 'pipeline',
  logger,
  async start(onShutdown) {
    const infra = await openServiceInfrastructure('pipeline', config, logger, onShutdown);
    const { startPipelineRuntime } = await import('./runtime.js');
    const runtime = await startPipelineRuntime({
      store: infra.store,
      pool: infra.pool,
      nats: infra.nats,
      subjectPrefix: config.SUBJECT_PREFIX,
      busStream: infra.bus.stream,
      auth: authConfigFromEnv(config),
      rateLimit: rateLimitFromEnv(config),
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
      readiness: infra.readiness,
    });
    onShutdown('pipeline runtime', () => runtime.close());
    await runtime.app.listen({ host: config.HOST, port: config.PORT });
  },
});
