import { type Kysely, type Migration, sql } from 'kysely';
import { rollbackDrillStatusMigration } from './rollback-drills.js';

/** The planning service's read-model schema, in order. Migrations run inside schema `planning`. */
export const planningMigrations: Record<string, Migration> = {
  '0001_release_list': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('release_list')
        .addColumn('release_id', 'uuid', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('target_date', 'date', (c) => c.notNull())
        .addColumn('train_id', 'uuid')
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('scope_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('planned_at', 'timestamptz', (c) => c.notNull())
        .addColumn('frozen_at', 'timestamptz')
        .addColumn('last_event_id', 'uuid', (c) => c.notNull())
        .addColumn('last_position', 'bigint', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX release_list_target ON release_list (target_date, release_id)`.execute(db);
      await sql`CREATE INDEX release_list_status ON release_list (status, target_date, release_id)`.execute(db);
    },
  },
  '0002_release_list_lifecycle': {
    // P1–P4 columns: negotiated scope, train slot and cutoff, CAB round and risk (calendar and CAB queue read these).
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('release_list')
        .addColumn('item_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('accepted_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('slot_date', 'date')
        .addColumn('freeze_cutoff', 'timestamptz')
        .addColumn('cab_state', 'text')
        .addColumn('cab_round', 'integer')
        .addColumn('cab_submitted_at', 'timestamptz')
        .addColumn('risk_score', 'double precision')
        .addColumn('risk_level', 'text')
        .addColumn('cab_quorum', 'integer')
        .addColumn('cab_approvals', 'integer')
        .execute();
      await sql`CREATE INDEX release_list_calendar ON release_list (train_id, (coalesce(slot_date, target_date)), release_id)`.execute(
        db,
      );
      await sql`CREATE INDEX release_list_cab_queue ON release_list (cab_state, risk_score DESC, release_id)`.execute(
        db,
      );
    },
  },
  '0003_release_boards': {
    // The freeze-exception log, the dependency board by team and compliance status per release (one projection).
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('freeze_exception_log')
        .addColumn('exception_id', 'uuid', (c) => c.primaryKey())
        .addColumn('release_id', 'uuid', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('change', 'jsonb', (c) => c.notNull())
        .addColumn('justification', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'timestamptz')
        .addColumn('reason', 'text')
        .addColumn('used_at', 'timestamptz')
        .addColumn('last_position', 'bigint', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX freeze_exception_log_time ON freeze_exception_log (requested_at DESC, exception_id)`.execute(
        db,
      );
      await db.schema
        .createTable('dependency_board')
        .addColumn('dependency_id', 'uuid', (c) => c.primaryKey())
        .addColumn('release_id', 'uuid', (c) => c.notNull())
        .addColumn('from_team', 'text', (c) => c.notNull())
        .addColumn('from_service', 'text')
        .addColumn('to_team', 'text', (c) => c.notNull())
        .addColumn('to_service', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('blocking', 'boolean', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_position', 'bigint', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX dependency_board_from ON dependency_board (lower(from_team))`.execute(db);
      await sql`CREATE INDEX dependency_board_to ON dependency_board (lower(to_team))`.execute(db);
      await db.schema
        .createTable('compliance_status')
        .addColumn('requirement_id', 'uuid', (c) => c.primaryKey())
        .addColumn('release_id', 'uuid', (c) => c.notNull())
        .addColumn('control', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('region', 'text')
        .addColumn('mandatory', 'boolean', (c) => c.notNull())
        .addColumn('pending_evidence', 'integer', (c) => c.notNull())
        .addColumn('accepted_evidence', 'integer', (c) => c.notNull())
        .addColumn('rejected_evidence', 'integer', (c) => c.notNull())
        .addColumn('last_position', 'bigint', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX compliance_status_release ON compliance_status (release_id, requirement_id)`.execute(db);
    },
  },
  '0110_rollback_drill_status': rollbackDrillStatusMigration,
};
