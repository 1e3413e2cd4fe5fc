import { type Kysely, type Migration, sql } from 'kysely';

/** The planning service's read-model schema, in order. Migrations run inside schema `planning`. */
export const planningMigrations: Record<string, Migration> = {
  '0001_release_list': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('release_list')
        .addColumn('release_id', 'uuid', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('target_date', 'date', (c) => c.notNull())
        .addColumn('train_id', 'uuid')
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('scope_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('planned_at', 'timestamptz', (c) => c.notNull())
        .addColumn('frozen_at', 'timestamptz')
        .addColumn('last_event_id', 'uuid', (c) => c.notNull())
        .addColumn('last_position', 'bigint', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX release_list_target ON release_list (target_date, release_id)`.execute(db);
      await sql`CREATE INDEX release_list_status ON release_list (status, target_date, release_id)`.execute(db);
    },
  },
};
