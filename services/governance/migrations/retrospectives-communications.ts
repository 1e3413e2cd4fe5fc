import { type Kysely, type Migration, sql } from 'kysely';

/** G5 and G7's tables in the governance schema: the action list's read model and the rollbacks' snapshots. */
export const retrospectivesCommunicationsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // One row per retrospective action item, for the list of actions and the overdue ones (projection
    // `retrospective-actions`); an event at or before last_position is already in the row.
    await sql`
      CREATE TABLE governance.retrospective_actions (
        action_id uuid PRIMARY KEY,
        retrospective_id uuid NOT NULL,
        description text NOT NULL,
        owner text NOT NULL,
        due_date date NOT NULL,
        status text NOT NULL,
        completed_at timestamptz,
        adopted_policy text,
        adopted_version integer,
        last_position bigint NOT NULL
      )`.execute(db);
    await sql`CREATE INDEX retrospective_actions_due ON governance.retrospective_actions (status, due_date)`.execute(
      db,
    );
    // The pre-rollback snapshot of each rollback that started (DeploymentRollbackStarted), kept by the rollback-notice
    // consumer in its inbox transaction: later notices about the rollback include it, and a retrospective may cite
    // a rollback that has started but not completed.
    await sql`
      CREATE TABLE governance.rollback_snapshots (
        deployment_id uuid PRIMARY KEY,
        event_id uuid NOT NULL,
        service text NOT NULL,
        environment text NOT NULL,
        from_version text NOT NULL,
        to_version text,
        trigger_kind text NOT NULL,
        reason text NOT NULL,
        snapshot jsonb NOT NULL,
        started_at timestamptz NOT NULL
      )`.execute(db);
  },
};
