import { watchPoolErrors } from '@railyard/eventstore';
import { createDb, migrateSchema } from '@railyard/readmodels';
import { createTestDatabase } from '@railyard/testing';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { planningMigrations } from '../../migrations/index.js';
import type { PlanningDb } from '../app.js';

/** The planning schema, migrated on a fresh database, for the projections' specifications (no store, no runner). */
export async function startPlanningSchema(label: string): Promise<{ db: Kysely<PlanningDb>; close(): Promise<void> }> {
  const database = await createTestDatabase(label);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  watchPoolErrors(pool, () => {});
  const db = createDb<PlanningDb>(pool);
  await migrateSchema(db, { schema: 'planning', migrations: planningMigrations });
  return {
    db,
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}
