import { type ArtifactDeps, buildArtifactApp } from '@railyard/artifact/app';
import { createMemoryEventStore } from '@railyard/eventstore';
import { createLogger } from '@railyard/service-kit';
import { idleRunner, neverConnectedDb, openApiOf, untouched } from './idle-deps.js';

/**
 * The artifact service's OpenAPI document, from the app itself: an in-memory store, a Kysely over a pool that never
 * connects, an idle projection runner, and content store / key vault that must not be touched.
 */
export async function artifactOpenApi(): Promise<Record<string, unknown>> {
  const db: ArtifactDeps['db'] = neverConnectedDb();
  const app = await buildArtifactApp({
    store: createMemoryEventStore(),
    db,
    catalog: idleRunner('artifact-catalog'),
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
  return openApiOf(app, db);
}
