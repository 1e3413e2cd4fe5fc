import { grantLedgerMigration } from '@railyard/service-kit/grants';
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * G2's tables in the governance schema: the kit's grant ledger (the one rule for "who held what when", filled from
 * governance's own grant events by the access projection and with orchestration's environments by a consumer), the
 * campaigns the closer watches, and the uses of privileges learnt from pipeline's runs (stale-privilege detection).
 */
export const accessGrantsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await grantLedgerMigration.up(db);
    await sql`
      CREATE TABLE governance.access_reviews (
        campaign_id uuid PRIMARY KEY,
        due_at timestamptz NOT NULL,
        closed_at timestamptz,
        last_event_id uuid NOT NULL
      )`.execute(db);
    await sql`CREATE INDEX access_reviews_open ON governance.access_reviews (due_at) WHERE closed_at IS NULL`.execute(
      db,
    );
    // A use of a privilege: deploy = a deployment the principal requested (pipeline's DeploymentRequested, its
    // actor); approve = an approval the principal granted (ApprovalGranted, its environment from the stage's
    // ApprovalRequested, joined at read time since the two may arrive in either order).
    await sql`
      CREATE TABLE governance.access_uses (
        event_id uuid PRIMARY KEY,
        principal text NOT NULL,
        privilege text NOT NULL,
        environment text,
        run_id uuid NOT NULL,
        stage integer NOT NULL,
        used_at timestamptz NOT NULL
      )`.execute(db);
    await sql`CREATE INDEX access_uses_principal ON governance.access_uses (principal, privilege, used_at)`.execute(db);
    await sql`
      CREATE TABLE governance.approval_environments (
        run_id uuid NOT NULL,
        stage integer NOT NULL,
        environment text NOT NULL,
        event_id uuid NOT NULL,
        PRIMARY KEY (run_id, stage)
      )`.execute(db);
  },
};
