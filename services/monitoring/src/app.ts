import type { EventStore } from '@railyard/eventstore';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import { registerCanaryRoutes } from './canary/routes.js';

export const SERVICE_NAME = 'monitoring';
export const SERVICE_VERSION = '0.1.0';

export interface MonitoringDeps extends Omit<AppDeps, 'serviceName' | 'version'> {
  store: EventStore;
  now?: () => Date;
}

/** The monitoring service's HTTP API. Never listens: main() does, tests inject. */
export async function buildMonitoringApp(deps: MonitoringDeps): Promise<App> {
  const { store, now = () => new Date(), ...kit } = deps;
  const app = await buildApp({ ...kit, serviceName: SERVICE_NAME, version: SERVICE_VERSION });
  await registerCanaryRoutes(app, { store, now });
  return app;
}
