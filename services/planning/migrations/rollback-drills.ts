import { type Kysely, type Migration, sql } from 'kysely';

/**
 * G6/R2: what planning knows of governance's rollback drills, learnt from `rollbackDrill-*` events by the durable
 * consumer `planning--rollback-drills` (never from governance's tables). One row per service that has a drill event.
 */
export const rollbackDrillStatusMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE rollback_drill_status (
        service text PRIMARY KEY,
        overdue_due_at timestamptz,
        recorded_next_due_at timestamptz,
        last_event_id uuid NOT NULL,
        updated_at timestamptz NOT NULL
      )`.execute(db);
  },
};
