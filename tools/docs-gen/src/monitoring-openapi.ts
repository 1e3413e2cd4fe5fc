import { createMemoryEventStore } from '@railyard/eventstore';
import { buildMonitoringApp, type MonitoringDeps } from '@railyard/monitoring/app';
import { DEFAULT_ANALYSIS_TEMPLATE } from '@railyard/monitoring/runtime';
import { createLogger } from '@railyard/service-kit';
import { untouched, unused } from './idle-deps.js';

/** The monitoring service's OpenAPI document, from the app itself over an in-memory store and idle ports. */
export async function monitoringOpenApi(): Promise<Record<string, unknown>> {
  const app = await buildMonitoringApp({
    store: createMemoryEventStore(),
    samples: untouched<MonitoringDeps['samples']>('samples'),
    source: untouched<MonitoringDeps['source']>('source'),
    prometheus: untouched<NonNullable<MonitoringDeps['prometheus']>>('prometheus'),
    deployment: unused('deployment'),
    receiveAlert: unused('receiveAlert'),
    watched: unused('watched'),
    analysisTemplate: DEFAULT_ANALYSIS_TEMPLATE,
    auth: {},
    logger: createLogger({ name: 'monitoring', level: 'silent' }),
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
