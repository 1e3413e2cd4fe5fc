import { createMemoryEventStore } from '@railyard/eventstore';
import { buildPlanningApp, type PlanningDeps } from '@railyard/planning/app';
import { createDb, type ProjectionRunner } from '@railyard/readmodels';
import { createLogger } from '@railyard/service-kit';

/** Any call means the docs build touched the runtime: it only reads route schemas. */
const unused = (what: string) => () => {
  throw new Error(`docs generation does not run the release-list projection (${what} was called)`);
};

/** A ProjectionRunner that is never started or asked anything: the app only keeps it for its list route. */
const idleRunner: ProjectionRunner = {
  name: 'release-list',
  start: unused('start'),
  stop: unused('stop'),
  isActive: () => false,
  status: () => ({ state: 'stopped' }),
  position: unused('position'),
  lag: unused('lag'),
  waitFor: unused('waitFor'),
};

/**
 * The planning service's OpenAPI document, from the app itself: built with an in-memory store, a Kysely over a
 * pool that never connects (pg connects lazily and no request is served), and an idle projection runner.
 */
export async function planningOpenApi(): Promise<Record<string, unknown>> {
  const db: PlanningDeps['db'] = createDb('postgres://docs-gen.invalid:5432/never-connected', { maxConnections: 1 });
  const app = await buildPlanningApp({
    store: createMemoryEventStore(),
    db,
    releaseList: idleRunner,
    boards: idleRunner,
    auth: {},
    logger: createLogger({ name: 'planning', level: 'silent' }),
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await db.destroy();
  }
}
