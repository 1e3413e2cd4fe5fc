import { runServiceMain } from '@railyard/service-kit';
import { pipelineConfigSchema } from './config.js';

// Composition root: the kit's main (config → telemetry → infrastructure → runtime → listen, shutdown on signals).
// The runtime is imported once telemetry has started, so the pg instrumentation sees the driver.
await runServiceMain({
  service: 'pipeline',
  configSchema: pipelineConfigSchema,
  async start(base, config) {
    const { startPipelineRuntime } = await import('./runtime.js');
    return startPipelineRuntime({
      ...base,
      policies: {
        strategies: config.PIPELINE_STRATEGY_POLICY,
        performance: {
          environments: config.PIPELINE_PERFORMANCE_ENVIRONMENTS,
          thresholds: config.PIPELINE_PERFORMANCE_THRESHOLDS,
        },
        signatureRequiredIn: config.PIPELINE_SIGNATURE_ENVIRONMENTS,
      },
    });
  },
});
