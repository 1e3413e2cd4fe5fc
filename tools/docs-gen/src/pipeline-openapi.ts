import { createMemoryEventStore } from '@railyard/eventstore';
import { buildPipelineApp, type PipelineDeps } from '@railyard/pipeline/app';
import { createDb, type ProjectionRunner } from '@railyard/readmodels';
import { createLogger } from '@railyard/service-kit';

const unused = (what: string) => () => {
  throw new Error(`docs generation does not run the pipeline service (${what} was called)`);
};
const idleRunner: ProjectionRunner = {
  name: 'run-list',
  start: unused('start'),
  stop: unused('stop'),
  isActive: () => false,
  status: () => ({ state: 'stopped' }),
  position: unused('position'),
  lag: unused('lag'),
  waitFor: unused('waitFor'),
};

/**
 * The pipeline service's OpenAPI document, from the app itself: an in-memory store and a Kysely over a pool that
 * never connects (the docs build only reads route schemas).
 */
export async function pipelineOpenApi(): Promise<Record<string, unknown>> {
  const db: PipelineDeps['db'] = createDb('postgres://docs-gen.invalid:5432/never-connected', { maxConnections: 1 });
  const app = await buildPipelineApp({
    store: createMemoryEventStore(),
    db,
    runList: idleRunner,
    policies: {
      strategies: { critical: {}, standard: {}, low: {} },
      performance: { environments: [], thresholds: { latencyRegression: 0, throughputDrop: 0, errorRateIncrease: 0 } },
      signatureRequiredIn: [],
    },
    auth: {},
    logger: createLogger({ name: 'pipeline', level: 'silent' }),
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await db.destroy();
  }
}
