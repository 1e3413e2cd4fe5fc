import type { App } from '@railyard/service-kit';
import { deploymentSummaryRoute, type SummarisedDeployment } from './deployment-summary/route.js';
import type { MetricsSource } from './domain/metrics-source.js';
import type { PrometheusSource } from './prometheus-source.js';
import { pushSamplesRoute } from './push-samples/route.js';
import type { PushedSamples } from './pushed-samples.js';
import { queryMetricRoute } from './query-metric/route.js';

/** The metrics capability (M4): samples pushed as JSON or read from Prometheus, summaries per deployment. */
export async function registerMetricsRoutes(
  app: App,
  deps: {
    samples: PushedSamples;
    source: MetricsSource;
    prometheus?: PrometheusSource;
    deployment: (id: string) => Promise<SummarisedDeployment | undefined>;
    now: () => Date;
  },
) {
  await app.register(pushSamplesRoute, { samples: deps.samples });
  await app.register(queryMetricRoute, { source: deps.source, prometheus: deps.prometheus });
  await app.register(deploymentSummaryRoute, { source: deps.source, deployment: deps.deployment, now: deps.now });
}
