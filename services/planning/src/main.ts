import {
  authConfigFromEnv,
  createLogger,
  loadConfigOrExit,
  openServiceInfrastructure,
  rateLimitFromEnv,
  runService,
  startTelemetry,
} from '@railyard/service-kit';
import { planningConfigSchema } from './config.js';

// Composition root: config → telemetry → infrastructure → runtime → listen. Telemetry starts before anything
// loads `pg`, so its instrumentation sees the driver (hence the runtime's dynamic import).
const config = loadConfigOrExit(planningConfigSchema);
startTelemetry({ serviceName: 'planning', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'planning', level: config.LOG_LEVEL });

await runService({
  name: 'planning',
  logger,
  async start(onShutdown) {
    const infra = await openServiceInfrastructure('planning', config, logger, onShutdown);
    const { startPlanningRuntime } = await import('./runtime.js');
    const runtime = await startPlanningRuntime({
      store: infra.store,
      pool: infra.pool,
      nats: infra.nats,
      subjectPrefix: config.SUBJECT_PREFIX,
      auth: authConfigFromEnv(config),
      rateLimit: rateLimitFromEnv(config),
      logger,
      sealIntervalMs: config.SEAL_INTERVAL_MS,
      readiness: infra.readiness,
    });
    onShutdown('planning runtime', () => runtime.close());
    await runtime.app.listen({ host: config.HOST, port: config.PORT });
  },
});
