import { grantLedgerMigration } from '@railyard/service-kit/grants';
import { type Kysely, type Migration, sql } from 'kysely';

/** The pipeline service's schema, in order. Migrations run inside schema `pipeline`. */
export const pipelineMigrations: Record<string, Migration> = {
  '0001_artifact_gates': {
    async up(db: Kysely<unknown>) {
      // What the gates know about artifacts, learnt from the artifact service's events on NATS (never its tables).
      await db.schema
        .createTable('artifact_gates')
        .addColumn('artifact_id', 'uuid', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('static_analysis', 'jsonb')
        .addColumn('vulnerabilities', 'jsonb')
        .addColumn('signed', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('promoted_to', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('last_event_id', 'uuid', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX artifact_gates_name_version ON artifact_gates (name, version)`.execute(db);
    },
  },
  '0002_run_list': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('run_list')
        .addColumn('run_id', 'uuid', (c) => c.primaryKey())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('artifact_name', 'text', (c) => c.notNull())
        .addColumn('artifact_version', 'text', (c) => c.notNull())
        .addColumn('definition_version', 'integer', (c) => c.notNull())
        .addColumn('triggered_by', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('deployed_to', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('blocked_promotions', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('started_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_event_id', 'uuid', (c) => c.notNull())
        .addColumn('last_position', 'bigint', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX run_list_started ON run_list (started_at DESC, run_id DESC)`.execute(db);
      await sql`CREATE INDEX run_list_service ON run_list (service, started_at DESC, run_id DESC)`.execute(db);
    },
  },
  // Governance's grants and orchestration's environment tiers, as the approvals enforce them (G2).
  '0003_grant_ledger': grantLedgerMigration,
};
