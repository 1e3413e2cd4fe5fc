import {
  authConfigFromEnv,
  createLogger,
  loadConfigOrExit,
  openServiceInfrastructure,
  runService,
  startTelemetry,
} from '@railyard/service-kit';
import { governanceConfigSchema } from './config.js';

// Composition root: config → telemetry → infrastructure → runtime → listen. Telemetry starts before anything
// loads `pg`, so its instrumentation sees the driver (hence the runtime's dynamic import).
const config = loadConfigOrExit(governanceConfigSchema);
startTelemetry({ serviceName: 'governance', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'governance', level: config.LOG_LEVEL });

await runService({
  name: 'governance',
  logger,
  async start(onShutdown) {
    const infra = await openServiceInfrastructure('governance', config, logger, onShutdown);
    const { startGovernanceRuntime } = await import('./runtime.js');
    const runtime = await startGovernanceRuntime({
      store: infra.store,
      pool: infra.pool,
      nats: infra.nats,
      subjectPrefix: config.SUBJECT_PREFIX,
      busStream: infra.bus.stream,
      analystPassword: config.RAILYARD_ANALYST_PASSWORD,
      auth: authConfigFromEnv(config),
      logger,
      sealIntervalMs: config.SEAL_INTERVAL_MS,
      readiness: infra.readiness,
    });
    onShutdown('governance runtime', () => runtime.close());
    await runtime.app.listen({ host: config.HOST, port: config.PORT });
  },
});
