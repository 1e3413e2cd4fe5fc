import { grantLedgerMigration } from '@railyard/service-kit/grants';
import { type Kysely, type Migration, sql } from 'kysely';
import { deploymentsMigration } from './0004-deployments.js';
import { runTriggersMigration } from './0007-run-triggers.js';
import { onCallTurnsMigration } from './on-call.js';

/** The orchestration service's schema, in order. Migrations run inside schema `orchestration`. */
export const orchestrationMigrations: Record<string, Migration> = {
  '0001_environment_board': {
    async up(db: Kysely<unknown>) {
      // Environments with their drift status (E1, E4), from the environment-board projection.
      await sql`
        CREATE TABLE environments (
          name text PRIMARY KEY,
          service text NOT NULL,
          tier text NOT NULL,
          region text NOT NULL,
          template text NOT NULL,
          template_version text NOT NULL,
          parameters jsonb NOT NULL,
          parameters_sha256 text NOT NULL,
          actual_config jsonb,
          drift_status text NOT NULL,
          drift_differences jsonb NOT NULL DEFAULT '[]',
          expires_at timestamptz,
          torn_down_at timestamptz,
          recreate_cron text,
          recreate_time_zone text,
          last_recreate_for timestamptz,
          registered_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL,
          last_event_id uuid NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX environments_service ON environments (service)`.execute(db);
      // The booking calendar (E2): confirmed, queued, cancelled and expired bookings.
      await sql`
        CREATE TABLE bookings (
          booking_id uuid PRIMARY KEY,
          environment text NOT NULL,
          release_id text NOT NULL,
          phase text NOT NULL,
          from_at timestamptz NOT NULL,
          until_at timestamptz NOT NULL,
          status text NOT NULL,
          datasets jsonb NOT NULL,
          booked_by text NOT NULL,
          requested_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL,
          last_event_id uuid NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX bookings_release ON bookings (release_id, from_at)`.execute(db);
      await sql`CREATE INDEX bookings_open ON bookings (status, until_at)`.execute(db);
      // Quotas and what holds them (E5); quota_use sums the reservations per quota.
      await sql`
        CREATE TABLE quotas (
          team text NOT NULL,
          environment text NOT NULL,
          concurrent_deployments integer NOT NULL,
          instances integer NOT NULL,
          cpu_units integer NOT NULL,
          memory_units integer NOT NULL,
          when_exceeded text NOT NULL,
          updated_at timestamptz NOT NULL,
          PRIMARY KEY (team, environment)
        )`.execute(db);
      await sql`
        CREATE TABLE quota_reservations (
          team text NOT NULL,
          environment text NOT NULL,
          deployment_id text NOT NULL,
          status text NOT NULL,
          instances integer NOT NULL,
          cpu_units integer NOT NULL,
          memory_units integer NOT NULL,
          since timestamptz NOT NULL,
          PRIMARY KEY (team, environment, deployment_id)
        )`.execute(db);
      await sql`
        CREATE VIEW quota_use AS
        SELECT q.team, q.environment, q.when_exceeded,
               q.concurrent_deployments AS max_concurrent_deployments, q.instances AS max_instances,
               q.cpu_units AS max_cpu_units, q.memory_units AS max_memory_units,
               count(r.deployment_id) FILTER (WHERE r.status = 'held')::int AS concurrent_deployments,
               coalesce(sum(r.instances) FILTER (WHERE r.status = 'held'), 0)::int AS instances,
               coalesce(sum(r.cpu_units) FILTER (WHERE r.status = 'held'), 0)::int AS cpu_units,
               coalesce(sum(r.memory_units) FILTER (WHERE r.status = 'held'), 0)::int AS memory_units,
               count(r.deployment_id) FILTER (WHERE r.status = 'queued')::int AS queued
        FROM quotas q
        LEFT JOIN quota_reservations r ON r.team = q.team AND r.environment = q.environment
        GROUP BY q.team, q.environment`.execute(db);
    },
  },
  '0002_window_calendar': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE calendars (
          calendar_id uuid PRIMARY KEY,
          name text NOT NULL,
          holidays jsonb NOT NULL,
          holiday_selectors jsonb NOT NULL,
          created_at timestamptz NOT NULL
        )`.execute(db);
      await sql`
        CREATE TABLE deployment_windows (
          window_id uuid PRIMARY KEY,
          calendar_id uuid NOT NULL,
          kind text NOT NULL,
          purpose text NOT NULL,
          schedule text NOT NULL,
          duration_minutes integer NOT NULL,
          time_zone text NOT NULL,
          selectors jsonb NOT NULL,
          reason text,
          added_by text NOT NULL,
          added_at timestamptz NOT NULL,
          removed_at timestamptz
        )`.execute(db);
      await sql`
        CREATE TABLE window_overrides (
          override_id uuid PRIMARY KEY,
          service text NOT NULL,
          environment text NOT NULL,
          from_at timestamptz NOT NULL,
          until_at timestamptz NOT NULL,
          reason text NOT NULL,
          granted_by text NOT NULL,
          granted_with_role text NOT NULL,
          granted_at timestamptz NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX window_overrides_target ON window_overrides (service, environment, until_at)`.execute(db);
    },
  },
  '0003_reporting_views': {
    async up(db: Kysely<unknown>) {
      // Governance will own `reporting` (DESIGN §4). Until it exists, orchestration creates its two views there;
      // CREATE OR REPLACE and IF NOT EXISTS let governance's migrations take them over without a conflict.
      await sql`CREATE SCHEMA IF NOT EXISTS reporting`.execute(db);
      await sql`
        CREATE OR REPLACE VIEW reporting.environment_bookings AS
        SELECT b.booking_id, b.environment, e.service, e.tier, e.region, b.release_id, b.phase,
               b.from_at AS booked_from, b.until_at AS booked_until, b.status, b.booked_by,
               b.requested_at, b.updated_at, b.last_event_id
        FROM orchestration.bookings b
        LEFT JOIN orchestration.environments e ON e.name = b.environment`.execute(db);
      await sql`
        CREATE OR REPLACE VIEW reporting.deployment_windows AS
        SELECT w.window_id, w.calendar_id, c.name AS calendar_name, w.kind, w.purpose, w.schedule,
               w.duration_minutes, w.time_zone, w.reason,
               ARRAY(SELECT jsonb_array_elements_text(w.selectors->'services')) AS services,
               ARRAY(SELECT jsonb_array_elements_text(w.selectors->'environments')) AS environments,
               ARRAY(SELECT jsonb_array_elements_text(w.selectors->'tiers')) AS tiers,
               ARRAY(SELECT jsonb_array_elements_text(w.selectors->'regions')) AS regions,
               w.added_by, w.added_at, w.removed_at, w.removed_at IS NULL AS in_force
        FROM orchestration.deployment_windows w
        JOIN orchestration.calendars c ON c.calendar_id = w.calendar_id`.execute(db);
      // The analyst role reads reporting only (DESIGN §4); grant where it exists (infra creates it in production).
      await sql`
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'railyard_analyst') THEN
            GRANT USAGE ON SCHEMA reporting TO railyard_analyst;
            GRANT SELECT ON reporting.environment_bookings, reporting.deployment_windows TO railyard_analyst;
          END IF;
        END $$`.execute(db);
    },
  },
  '0004_deployments': deploymentsMigration,
  '0005_rollout_plans': {
    async up(db: Kysely<unknown>) {
      // Rollout plans (O1, O2, O5, O6): the folded plan per row, for lists, release look-ups and due escalations.
      await sql`
        CREATE TABLE rollout_plans (
          plan_id uuid PRIMARY KEY,
          release_id uuid NOT NULL,
          status text NOT NULL,
          lead text NOT NULL,
          state jsonb NOT NULL,
          decision_due_at timestamptz,
          last_position bigint NOT NULL,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL,
          last_event_id uuid NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX rollout_plans_release ON rollout_plans (release_id)`.execute(db);
      await sql`CREATE INDEX rollout_plans_due ON rollout_plans (decision_due_at) WHERE decision_due_at IS NOT NULL`.execute(
        db,
      );
      // What runs where, from the deployments' outcomes: contract migrations wait for every consumer (O2).
      await sql`
        CREATE TABLE running_versions (
          service text NOT NULL,
          environment text NOT NULL,
          version text NOT NULL,
          deployment_id uuid NOT NULL,
          updated_at timestamptz NOT NULL,
          PRIMARY KEY (service, environment)
        )`.execute(db);
    },
  },
  // Governance's grants and the environment tiers (G2), and who triggered each pipeline run (the requester of a
  // deployment a CI system claimed): a deployment to a prod-tier environment needs its requester's deploy grant.
  '0006_grant_ledger': grantLedgerMigration,
  '0007_run_triggers': runTriggersMigration,
  '0110_on_call_turns': onCallTurnsMigration,
};
