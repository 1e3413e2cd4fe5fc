import { createMemoryEventStore } from '@railyard/eventstore';
import { buildMonitoringApp } from '@railyard/monitoring/app';
import { createLogger } from '@railyard/service-kit';

/** The monitoring service's OpenAPI document, from the app itself over an in-memory store. */
export async function monitoringOpenApi(): Promise<Record<string, unknown>> {
  const app = await buildMonitoringApp({
    store: createMemoryEventStore(),
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
