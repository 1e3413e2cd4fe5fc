import { type Kysely, type Migration, sql } from 'kysely';

/** Deployments (O7, R1): one row per `deployment-<id>`, from the deployment-list projection. */
export const deploymentsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE deployments (
        deployment_id uuid PRIMARY KEY,
        run_id uuid NOT NULL,
        stage integer NOT NULL,
        release_id uuid,
        plan_id uuid,
        service text NOT NULL,
        environment text NOT NULL,
        environment_tier text,
        version text NOT NULL,
        strategy text NOT NULL,
        status text NOT NULL,
        steps_total integer NOT NULL,
        steps_done integer NOT NULL,
        live_weight integer,
        reason text NOT NULL,
        requested_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        last_event_id uuid NOT NULL
      )`.execute(db);
    await sql`CREATE INDEX deployments_target ON deployments (service, environment, requested_at)`.execute(db);
    // The deployment scheduler's question: which deployments may have something due.
    await sql`CREATE INDEX deployments_active ON deployments (status) WHERE status IN ('running', 'rolling-back')`.execute(
      db,
    );
  },
};
