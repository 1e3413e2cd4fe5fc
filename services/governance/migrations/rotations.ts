import { grantLedgerMigration } from '@railyard/service-kit/grants';
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * G8 rotations: the grant ledger rotation eligibility asks (the kit's, in a schema of its own, `rotation_grants`, so it
 * never meets another governance ledger), and the pages counted in the fairness ledger.
 */
export const rotationsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`CREATE SCHEMA IF NOT EXISTS rotation_grants`.execute(db);
    // The kit's migration creates its tables unqualified: point the (transaction-local) path at the schema, then back.
    await sql`select set_config('search_path', 'rotation_grants, public', true)`.execute(db);
    await grantLedgerMigration.up(db);
    await sql`select set_config('search_path', 'governance, public', true)`.execute(db);
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
