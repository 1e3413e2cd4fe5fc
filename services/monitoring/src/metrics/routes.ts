import type { App } from '@railyard/service-kit';
import { pushSamplesRoute } from './push-samples/route.js';
import type { PushedSamples } from './pushed-samples.js';

/** The metrics capability (M4): samples pushed as JSON or read from Prometheus, summaries per deployment. */
export async function registerMetricsRoutes(app: App, deps: { samples: PushedSamples }) {
  await app.register(pushSamplesRoute, { samples: deps.samples });
}
