import { createPostgresEventStore, type PostgresEventStore } from '@railyard/eventstore';
import { createDb, createProjectionRunner, migrateSchema, type ProjectionRunner } from '@railyard/readmodels';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
import { createTestDatabase, type TestDatabase } from '@railyard/testing';
import type { Kysely } from 'kysely';
import { planningMigrations } from '../../migrations/index.js';
import { buildPlanningApp } from '../app.js';
import {
  projectReleaseList,
  RELEASE_LIST,
  type ReleaseListDb,
  releaseListFilter,
} from '../releases/release-list/projection.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface PlanningFixture {
  app: App;
  store: PostgresEventStore;
  db: Kysely<ReleaseListDb>;
  releaseList: ProjectionRunner;
  database: TestDatabase;
  /** A bearer header for a user with these roles. */
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/** The planning service wired as main() wires it, on a fresh database: real Postgres store and read models. */
export async function startPlanning(label: string): Promise<PlanningFixture> {
  const database = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  const db = createDb<ReleaseListDb>(database.url);
  await migrateSchema(db, { schema: 'planning', migrations: planningMigrations });
  const releaseList = createProjectionRunner({
    store,
    db,
    name: RELEASE_LIST,
    schema: 'planning',
    filter: releaseListFilter,
    projectBatch: projectReleaseList,
  });
  await releaseList.start();
  const app = await buildPlanningApp({
    store,
    db,
    releaseList,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'planning', level: 'silent' }),
    readiness: { store: () => store.ping() },
  });
  return {
    app,
    store,
    db,
    releaseList,
    database,
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    async close() {
      await app.close();
      await releaseList.stop();
      await db.destroy();
      await store.close();
      await database.drop();
    },
  };
}
