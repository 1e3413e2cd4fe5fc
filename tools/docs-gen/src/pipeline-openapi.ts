import { createMemoryEventStore } from '@railyard/eventstore';
import { buildPipelineApp, type PipelineDeps } from '@railyard/pipeline/app';
import { createLogger } from '@railyard/service-kit';
import { idleRunner, neverConnectedDb, openApiOf } from './idle-deps.js';

/**
 * The pipeline service's OpenAPI document, from the app itself: an in-memory store and a Kysely over a pool that
 * never connects (the docs build only reads route schemas).
 */
export async function pipelineOpenApi(): Promise<Record<string, unknown>> {
  const db: PipelineDeps['db'] = neverConnectedDb();
  const app = await buildPipelineApp({
    store: createMemoryEventStore(),
    db,
    runList: idleRunner('run-list'),
    policies: {
      strategies: { critical: {}, standard: {}, low: {} },
      performance: { environments: [], thresholds: { latencyRegression: 0, throughputDrop: 0, errorRateIncrease: 0 } },
      signatureRequiredIn: [],
    },
    auth: {},
    logger: createLogger({ name: 'pipeline', level: 'silent' }),
  });
  return openApiOf(app, db);
}
