import { runServiceMain } from '@railyard/service-kit';
import { governanceConfigSchema } from './config.js';

// Composition root: the kit's main (config → telemetry → infrastructure → runtime → listen, shutdown on signals).
// The runtime is imported once telemetry has started, so the pg instrumentation sees the driver.
await runServiceMain({
  service: 'governance',
  configSchema: governanceConfigSchema,
  async start(base, config) {
    const { startGovernanceRuntime } = await import('./runtime.js');
    return startGovernanceRuntime({
      ...base,
      analystPassword: config.RAILYARD_ANALYST_PASSWORD,
      notify: { url: config.GOVERNANCE_NOTIFY_WEBHOOK_URL, secret: config.GOVERNANCE_NOTIFY_WEBHOOK_SECRET },
    });
  },
});
