import { type Kysely, type Migration, sql } from 'kysely';

/** Who triggered each pipeline run, as orchestration learnt it from pipeline's `PipelineRunStarted` (never its tables). */
export const runTriggersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE run_triggers (
        run_id uuid PRIMARY KEY,
        triggered_by text NOT NULL,
        event_id uuid NOT NULL
      )`.execute(db);
  },
};
