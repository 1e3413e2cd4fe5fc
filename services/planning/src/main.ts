import { runServiceMain } from '@railyard/service-kit';
import { planningConfigSchema } from './config.js';

// Composition root: the kit's main (config → telemetry → infrastructure → runtime → listen, shutdown on signals).
// The runtime is imported once telemetry has started, so the pg instrumentation sees the driver.
await runServiceMain({
  service: 'planning',
  configSchema: planningConfigSchema,
  async start(base) {
    const { startPlanningRuntime } = await import('./runtime.js');
    return startPlanningRuntime(base);
  },
});
