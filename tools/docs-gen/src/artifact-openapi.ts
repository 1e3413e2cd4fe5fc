import { type ArtifactDeps, buildArtifactApp } from '@railyard/artifact/app';
import { createMemoryEventStore } from '@railyard/eventstore';
import { createDb, type ProjectionRunner } from '@railyard/readmodels';
import { createLogger } from '@railyard/service-kit';

/** Any call means the docs build touched the runtime: it only reads route schemas. */
const unused = (what: string) => () => {
  throw new Error(`docs generation does not run the artifact service (${what} was called)`);
};

/** Stands in for a dependency the app only keeps for its handlers: every property access is a call that throws. */
const untouched = <T>(what: string): T =>
  new Proxy({}, { get: (_target, key) => unused(`${what}.${String(key)}`) }) as T;

const idleRunner: ProjectionRunner = {
  name: 'artifact-catalog',
  start: unused('start'),
  stop: unused('stop'),
  isActive: () => false,
  status: () => ({ state: 'stopped' }),
  position: unused('position'),
  lag: unused('lag'),
  waitFor: unused('waitFor'),
};

/**
 * The artifact service's OpenAPI document, from the app itself: an in-memory store, a Kysely over a pool that never
 * connects, an idle projection runner, and content store / key vault that must not be touched.
 */
export async function artifactOpenApi(): Promise<Record<string, unknown>> {
  const db: ArtifactDeps['db'] = createDb('postgres://docs-gen.invalid:5432/never-connected', { maxConnections: 1 });
  const app = await buildArtifactApp({
    store: createMemoryEventStore(),
    db,
    catalog: idleRunner,
    content: untouched('content'),
    vault: untouched('vault'),
    policies: {
      naming: {},
      stages: {},
      licenses: { allow: [], deny: [] },
      retention: { snapshotDays: 0, releaseDays: 0, promotedToProdDays: 0, regulatedDays: 0, prodStage: 'prod' },
      maxUploadBytes: 2 * 1024 * 1024 * 1024,
    },
    auth: {},
    logger: createLogger({ name: 'artifact', level: 'silent' }),
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await db.destroy();
  }
}
