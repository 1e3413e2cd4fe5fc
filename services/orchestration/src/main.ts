import {
  authConfigFromEnv,
  createLogger,
  loadConfigOrExit,
  openServiceInfrastructure,
  runService,
  startTelemetry,
} from '@railyard/service-kit';
import { orchestrationConfigSchema } from './config.js';

// Composition root: config → telemetry → infrastructure → runtime → listen. Telemetry starts before anything
// loads `pg`, so its instrumentation sees the driver (hence the runtime's dynamic import).
const config = loadConfigOrExit(orchestrationConfigSchema);
startTelemetry({ serviceName: 'orchestration', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'orchestration', level: config.LOG_LEVEL });

await runService({
  name: 'orchestration',
  logger,
  async start(onShutdown) {
    const infra = await openServiceInfrastructure('orchestration', config, logger, onShutdown);
    const { startOrchestrationRuntime } = await import('./runtime.js');
    const runtime = await startOrchestrationRuntime({
      store: infra.store,
      pool: infra.pool,
      nats: infra.nats,
      subjectPrefix: config.SUBJECT_PREFIX,
      auth: authConfigFromEnv(config),
      logger,
      sealIntervalMs: config.SEAL_INTERVAL_MS,
      schedulerIntervalMs: config.ORCHESTRATION_SCHEDULER_INTERVAL_MS,
      minuteMs: config.ORCHESTRATION_MINUTE_MS,
      readiness: infra.readiness,
      deployments: {
        agentUrl: config.ORCHESTRATION_AGENT_URL,
        agentSecret: config.ORCHESTRATION_AGENT_SECRET,
        callbackSecret: config.ORCHESTRATION_CALLBACK_SECRET,
        callbackUrl: config.ORCHESTRATION_CALLBACK_URL,
        minuteMs: config.ORCHESTRATION_MINUTE_MS,
        keepMinutes: config.ORCHESTRATION_BLUE_GREEN_KEEP_MINUTES,
        intervalMs: config.ORCHESTRATION_DEPLOYMENT_INTERVAL_MS,
      },
    });
    onShutdown('orchestration runtime', () => runtime.close());
    await runtime.app.listen({ host: config.HOST, port: config.PORT });
  },
});
