import { type Kysely, type Migration, sql } from 'kysely';

/** The artifact service's schema, in order. Migrations run inside schema `artifact`. */
export const artifactMigrations: Record<string, Migration> = {
  '0001_signing_keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('signing_keys')
        .addColumn('key_id', 'uuid', (c) => c.primaryKey())
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('public_key_pem', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('encrypted_private_key', 'bytea', (c) => c.notNull())
        .addColumn('iv', 'bytea', (c) => c.notNull())
        .addColumn('auth_tag', 'bytea', (c) => c.notNull())
        .addColumn('kdf_salt', 'bytea', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('retired_at', 'timestamptz')
        .execute();
      // At most one active key: two concurrent rotations cannot both leave theirs active.
      await sql`CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE status = 'active'`.execute(
        db,
      );
    },
  },
  '0002_artifact_catalog': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('artifacts')
        .addColumn('artifact_id', 'uuid', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint')
        .addColumn('storage', 'text', (c) => c.notNull())
        .addColumn('uri', 'text')
        .addColumn('source_commit', 'text')
        .addColumn('repository', 'text')
        .addColumn('pipeline_run', 'text')
        .addColumn('stability', 'text', (c) => c.notNull())
        .addColumn('audit_class', 'text', (c) => c.notNull())
        .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
        .addColumn('stages', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('signed', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('legal_hold', 'text')
        .addColumn('overwrite_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('swept_at', 'timestamptz')
        .addColumn('swept_rule', 'text')
        .addColumn('last_event_id', 'uuid', (c) => c.notNull())
        .addColumn('last_position', 'bigint', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX artifacts_name ON artifacts (name, registered_at, artifact_id)`.execute(db);
      await sql`CREATE INDEX artifacts_registered ON artifacts (registered_at, artifact_id)`.execute(db);
      await sql`CREATE INDEX artifacts_sha256 ON artifacts (sha256)`.execute(db);
      await db.schema
        .createTable('promotions')
        .addColumn('artifact_id', 'uuid', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('promoted_at', 'timestamptz', (c) => c.notNull())
        .addColumn('promoted_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('promotions_pk', ['artifact_id', 'stage'])
        .execute();
      await sql`CREATE INDEX promotions_stage ON promotions (stage, name, promoted_at)`.execute(db);
    },
  },
};
