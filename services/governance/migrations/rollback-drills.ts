import { type Kysely, type Migration, sql } from 'kysely';

/** G6/R2: one row per service with a drill schedule or record (the drill-list projection, in schema governance). */
export const rollbackDrillsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE governance.rollback_drills (
        service text PRIMARY KEY,
        interval_days integer NOT NULL,
        next_due_at timestamptz,
        overdue_due_at timestamptz,
        last_performed_at timestamptz,
        drill_count integer NOT NULL DEFAULT 0,
        last_event_id uuid NOT NULL,
        last_position bigint NOT NULL
      )`.execute(db);
    await sql`CREATE INDEX rollback_drills_due ON governance.rollback_drills (next_due_at)`.execute(db);
  },
};
