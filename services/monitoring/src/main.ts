import { runServiceMain } from '@railyard/service-kit';
import { analysisTemplateOf, monitoringConfigSchema, pagerDutyOf, prometheusOptionsOf } from './config.js';

// Composition root: the kit's main (config → telemetry → infrastructure → runtime → listen, shutdown on signals).
// The runtime is imported once telemetry has started, so the pg instrumentation sees the driver.
await runServiceMain({
  service: 'monitoring',
  configSchema: monitoringConfigSchema,
  async start(base, config) {
    const { startMonitoringRuntime } = await import('./runtime.js');
    return startMonitoringRuntime({
      ...base,
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
  },
});
