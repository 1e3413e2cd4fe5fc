import { runServiceMain } from '@railyard/service-kit';
import { orchestrationConfigSchema } from './config.js';

// Composition root: the kit's main (config → telemetry → infrastructure → runtime → listen, shutdown on signals).
// The runtime is imported once telemetry has started, so the pg instrumentation sees the driver.
await runServiceMain({
  service: 'orchestration',
  configSchema: orchestrationConfigSchema,
  async start(base, config) {
    const { startOrchestrationRuntime } = await import('./runtime.js');
    return startOrchestrationRuntime({
      ...base,
      schedulerIntervalMs: config.ORCHESTRATION_SCHEDULER_INTERVAL_MS,
      minuteMs: config.ORCHESTRATION_MINUTE_MS,
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
  },
});
