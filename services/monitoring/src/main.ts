import {
  authConfigFromEnv,
  createLogger,
  loadConfigOrExit,
  openServiceInfrastructure,
  runService,
  startTelemetry,
} from '@railyard/service-kit';
import { analysisTemplateOf, monitoringConfigSchema, pagerDutyOf, prometheusOptionsOf } from './config.js';

// Composition root: config → telemetry → infrastructure → runtime → listen. Telemetry starts before anything
// loads `pg`, so its instrumentation sees the driver (hence the runtime's dynamic import).
const config = loadConfigOrExit(monitoringConfigSchema);
startTelemetry({ serviceName: 'monitoring', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'monitoring', level: config.LOG_LEVEL });

await runService({
  name: 'monitoring',
  logger,
  async start(onShutdown) {
    const infra = await openServiceInfrastructure('monitoring', config, logger, onShutdown);
    const { startMonitoringRuntime } = await import('./runtime.js');
    const runtime = await startMonitoringRuntime({
      store: infra.store,
      pool: infra.pool,
      nats: infra.nats,
      subjectPrefix: config.SUBJECT_PREFIX,
      auth: authConfigFromEnv(config),
      logger,
      sealIntervalMs: config.SEAL_INTERVAL_MS,
      readiness: infra.readiness,
      analysisTemplate: analysisTemplateOf(config),
      analysisTickMs: config.ANALYSIS_TICK_MS,
      prometheus: prometheusOptionsOf(config),
      alertWindowMinutes: config.ALERT_CORRELATION_WINDOW_MINUTES,
      pagerDuty: pagerDutyOf(config),
      escalateAfterMinutes: config.ESCALATE_AFTER_MINUTES,
      escalationTickMs: config.ESCALATION_TICK_MS,
      publicUrl: config.MONITORING_PUBLIC_URL,
      healthUrls: config.DEPENDENT_HEALTH_URLS,
      healthTimeoutMs: config.DEPENDENT_HEALTH_TIMEOUT_MS,
      journeyTickMs: config.JOURNEY_TICK_MS,
    });
    onShutdown('monitoring runtime', () => runtime.close());
    await runtime.app.listen({ host: config.HOST, port: config.PORT });
  },
});
