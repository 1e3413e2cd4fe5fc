import type { AnalysisTemplate } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import type { AlertIntake } from './alerts/alert-intake.js';
import { registerAlertRoutes } from './alerts/routes.js';
import { registerCanaryRoutes } from './canary/routes.js';
import { registerEscalationRoutes } from './escalation/routes.js';
import { registerJourneyRoutes } from './journeys/routes.js';
import type { SummarisedDeployment } from './metrics/deployment-summary/route.js';
import type { MetricsSource } from './metrics/domain/metrics-source.js';
import type { PrometheusSource } from './metrics/prometheus-source.js';
import type { PushedSamples } from './metrics/pushed-samples.js';
import { registerMetricsRoutes } from './metrics/routes.js';
import type { WatchedDeployment } from './rollback/analysis-watcher.js';
import { registerRollbackRoutes } from './rollback/routes.js';

export const SERVICE_NAME = 'monitoring';
export const SERVICE_VERSION = '0.1.0';

export interface MonitoringDeps extends Omit<AppDeps, 'serviceName' | 'version'> {
  store: EventStore;
  samples: PushedSamples;
  /** Where analysis runs and queries read metrics: Prometheus where it has a template, else the pushed samples. */
  source: MetricsSource;
  prometheus?: PrometheusSource;
  /** A deployment as the context consumers learnt it. */
  deployment: (id: string) => Promise<SummarisedDeployment | undefined>;
  /** A deployment and its release's criteria, as the context consumers learnt them. */
  watched: (deploymentId: string) => Promise<WatchedDeployment | 'unknown' | 'no-criteria'>;
  analysisTemplate: AnalysisTemplate;
  /** Receives one alert: dedupe, correlate, record. */
  receiveAlert: AlertIntake;
  now?: () => Date;
}

/** The monitoring service's HTTP API. Never listens: main() does, tests inject. */
export async function buildMonitoringApp(deps: MonitoringDeps): Promise<App> {
  const {
    store,
    samples,
    source,
    prometheus,
    deployment,
    watched,
    analysisTemplate,
    receiveAlert,
    now = () => new Date(),
    ...kit
  } = deps;
  const app = await buildApp({ ...kit, serviceName: SERVICE_NAME, version: SERVICE_VERSION });
  await registerCanaryRoutes(app, { store, now });
  await registerRollbackRoutes(app, { store, watched, template: analysisTemplate, now });
  await registerMetricsRoutes(app, { samples, source, prometheus, deployment, now });
  await registerAlertRoutes(app, { receive: receiveAlert, now });
  await registerEscalationRoutes(app, { store, now });
  await registerJourneyRoutes(app, { store, now });
  return app;
}
