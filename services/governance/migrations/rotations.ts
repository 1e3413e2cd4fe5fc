import { type Kysely, type Migration, sql } from 'kysely';

/**
 * G8 rotations: the pages counted in the fairness ledger. (Eligibility asks the access ledger, governance.grant_ledger,
 * that the access projection keeps from governance's own grant events.)
 */
export const rotationsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE governance.rotation_pages (
        event_id uuid PRIMARY KEY,
        anomaly_id uuid NOT NULL,
        environment text,
        escalated_at timestamptz NOT NULL
      )`.execute(db);
    await sql`CREATE INDEX rotation_pages_at ON governance.rotation_pages (environment, escalated_at)`.execute(db);
  },
};
