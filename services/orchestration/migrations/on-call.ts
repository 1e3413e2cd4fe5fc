import { type Kysely, type Migration, sql } from 'kysely';

/**
 * G8: the deployment-lead turns governance announced (RotationTurnStarted), learnt by `orchestration--lead-rotations`;
 * a plan created without a lead takes the principal on call for its environment then.
 */
export const onCallTurnsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE on_call_turns (
        event_id uuid PRIMARY KEY,
        rotation_id uuid NOT NULL,
        environment text NOT NULL,
        principal text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        override boolean NOT NULL,
        announced_position bigint NOT NULL
      )`.execute(db);
    await sql`CREATE INDEX on_call_turns_env ON on_call_turns (environment, starts_at)`.execute(db);
  },
};
