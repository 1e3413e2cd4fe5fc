import { type Kysely, type Migration, sql } from 'kysely';
import { accessGrantsMigration } from './access-grants.js';
import { retrospectivesCommunicationsMigration } from './retrospectives-communications.js';
import { rollbackDrillsMigration } from './rollback-drills.js';
import { rotationsMigration } from './rotations.js';

/**
 * The governance service's schemas, in order. Migrations run with `governance` first on the search path; everything
 * analysts read is created with an explicit `reporting.` prefix. docs/reporting.md documents every column: change a
 * reporting table only by adding columns (analysts' queries and BI dashboards depend on the rest).
 */
export const governanceMigrations: Record<string, Migration> = {
  '0001_reporting_facts': {
    async up(db: Kysely<unknown>) {
      // Orchestration part 1 may have created the schema for its two views already (IF NOT EXISTS keeps them).
      await sql`CREATE SCHEMA IF NOT EXISTS reporting`.execute(db);
      await sql`
        CREATE TABLE reporting.deployments (
          deployment_id uuid PRIMARY KEY,
          service text NOT NULL,
          environment text NOT NULL,
          environment_tier text,
          release_id uuid,
          run_id uuid NOT NULL,
          plan_id uuid,
          artifact_name text NOT NULL,
          artifact_version text NOT NULL,
          status text NOT NULL,
          requested_at timestamptz,
          deployed_at timestamptz,
          failed_at timestamptz,
          rolled_back_at timestamptz,
          scheduled_event_id uuid,
          succeeded_event_id uuid,
          failed_event_id uuid,
          rolled_back_event_id uuid,
          succeeded_recorded_at timestamptz,
          rolled_back_recorded_at timestamptz,
          last_event_id uuid NOT NULL,
          updated_at timestamptz NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX deployments_service ON reporting.deployments (service, deployed_at)`.execute(db);
      await sql`
        CREATE TABLE reporting.changes (
          deployment_id uuid NOT NULL,
          sha text NOT NULL,
          committed_at timestamptz NOT NULL,
          service text NOT NULL,
          source_event_id uuid NOT NULL,
          recorded_at timestamptz NOT NULL,
          PRIMARY KEY (deployment_id, sha)
        )`.execute(db);
      await sql`CREATE INDEX changes_sha ON reporting.changes (service, sha)`.execute(db);
      await sql`
        CREATE TABLE reporting.rollbacks (
          event_id uuid PRIMARY KEY,
          deployment_id uuid NOT NULL,
          service text NOT NULL,
          environment text NOT NULL,
          environment_tier text,
          rolled_back_to text,
          trigger_kind text NOT NULL,
          trigger_id text,
          triggered_by text NOT NULL,
          reason text NOT NULL,
          rolled_back_at timestamptz NOT NULL,
          recorded_at timestamptz NOT NULL
        )`.execute(db);
      await sql`
        CREATE TABLE reporting.releases (
          release_id uuid PRIMARY KEY,
          name text NOT NULL,
          target_date date NOT NULL,
          train_id uuid,
          owner text NOT NULL,
          status text NOT NULL,
          planned_at timestamptz NOT NULL,
          frozen_at timestamptz,
          released_at timestamptz,
          rolled_back_at timestamptz,
          cancelled_at timestamptz,
          planned_event_id uuid NOT NULL,
          last_event_id uuid NOT NULL,
          updated_at timestamptz NOT NULL
        )`.execute(db);
      await sql`
        CREATE TABLE reporting.approvals (
          event_id uuid PRIMARY KEY,
          release_id uuid NOT NULL,
          round integer NOT NULL,
          decision text NOT NULL,
          policy_id uuid NOT NULL,
          policy_version integer NOT NULL,
          risk_score numeric NOT NULL,
          risk_level text NOT NULL,
          voters text[] NOT NULL,
          conditions jsonb NOT NULL,
          reason text,
          decided_at timestamptz NOT NULL
        )`.execute(db);
      await sql`
        CREATE TABLE reporting.freeze_exceptions (
          exception_id uuid PRIMARY KEY,
          release_id uuid NOT NULL,
          change jsonb NOT NULL,
          justification text NOT NULL,
          requested_by text NOT NULL,
          requested_at timestamptz NOT NULL,
          decision text,
          decided_by text,
          decided_at timestamptz,
          decision_reason text,
          used_at timestamptz,
          requested_event_id uuid NOT NULL,
          decided_event_id uuid,
          used_event_id uuid
        )`.execute(db);
      await sql`
        CREATE TABLE reporting.incidents (
          incident_id uuid PRIMARY KEY,
          title text NOT NULL,
          service text NOT NULL,
          environment text,
          severity text NOT NULL,
          cause_class text NOT NULL,
          cause text,
          missing_safeguard text,
          status text NOT NULL,
          source_kind text NOT NULL,
          anomaly_id uuid,
          suspected_deployment_id uuid,
          opened_at timestamptz NOT NULL,
          opened_by text NOT NULL,
          resolved_at timestamptz,
          resolution text,
          reopened_count integer NOT NULL DEFAULT 0,
          opened_event_id uuid NOT NULL,
          last_event_id uuid NOT NULL,
          updated_at timestamptz NOT NULL
        )`.execute(db);
      await sql`
        CREATE TABLE reporting.incident_links (
          incident_id uuid NOT NULL,
          deployment_id uuid NOT NULL,
          role text NOT NULL,
          reason text NOT NULL,
          linked_by text NOT NULL,
          linked_at timestamptz NOT NULL,
          event_id uuid NOT NULL,
          recorded_at timestamptz NOT NULL,
          PRIMARY KEY (incident_id, deployment_id, role)
        )`.execute(db);
      await sql`CREATE INDEX incident_links_deployment ON reporting.incident_links (deployment_id)`.execute(db);
      // What was known when (G1 "as known then"): every classification with its recording time. The DORA figures
      // asked `asOf` pick the last one recorded by then; reporting.incidents holds the current one.
      await sql`
        CREATE TABLE governance.incident_classifications (
          event_id uuid PRIMARY KEY,
          incident_id uuid NOT NULL,
          severity text NOT NULL,
          cause_class text NOT NULL,
          cause text,
          missing_safeguard text,
          classified_by text NOT NULL,
          classified_at timestamptz NOT NULL,
          recorded_at timestamptz NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX incident_classifications_incident ON governance.incident_classifications (incident_id, recorded_at)`.execute(
        db,
      );
      await sql`
        CREATE TABLE governance.service_teams (
          service text PRIMARY KEY,
          team text NOT NULL,
          assigned_by text NOT NULL,
          event_id uuid NOT NULL,
          recorded_at timestamptz NOT NULL
        )`.execute(db);
    },
  },
  '0002_dora_views': {
    async up(db: Kysely<unknown>) {
      // One row per production deployment that reached production, with its DORA verdict as known now (G1).
      // failed: rolled back, or linked as the cause of an incident currently classified change_induced.
      // recovered_at: the rollback's completion, else the earliest later successful deployment linked as the
      // remediation of one of those incidents (the fix).
      await sql`
        CREATE VIEW reporting.dora_deployments AS
        WITH prod AS (
          SELECT d.*, coalesce(d.deployed_at, d.rolled_back_at) AS counted_at
          FROM reporting.deployments d
          WHERE d.environment_tier = 'prod' AND (d.deployed_at IS NOT NULL OR d.rolled_back_at IS NOT NULL)
        ), causes AS (
          SELECT l.deployment_id, array_agg(DISTINCT l.incident_id ORDER BY l.incident_id) AS incident_ids
          FROM reporting.incident_links l JOIN reporting.incidents i USING (incident_id)
          WHERE l.role = 'cause' AND i.cause_class = 'change_induced'
          GROUP BY l.deployment_id
        ), fixes AS (
          SELECT c.deployment_id AS failed_id, min(fd.deployed_at) AS fixed_at
          FROM reporting.incident_links c
          JOIN reporting.incidents i ON i.incident_id = c.incident_id AND i.cause_class = 'change_induced'
          JOIN reporting.incident_links r ON r.incident_id = c.incident_id AND r.role = 'remediation'
          JOIN reporting.deployments fd ON fd.deployment_id = r.deployment_id AND fd.deployed_at IS NOT NULL
          JOIN reporting.deployments cd ON cd.deployment_id = c.deployment_id
          WHERE c.role = 'cause' AND fd.deployed_at > coalesce(cd.deployed_at, cd.rolled_back_at)
          GROUP BY c.deployment_id
        )
        SELECT p.deployment_id, p.service, t.team, p.environment, p.release_id, p.artifact_version,
               p.counted_at, p.deployed_at IS NOT NULL AS succeeded,
               p.rolled_back_at IS NOT NULL AS rolled_back,
               coalesce(c.incident_ids, '{}') AS change_failure_incident_ids,
               (p.rolled_back_at IS NOT NULL OR c.incident_ids IS NOT NULL) AS failed,
               CASE WHEN p.rolled_back_at IS NOT NULL THEN p.rolled_back_at
                    WHEN c.incident_ids IS NOT NULL THEN f.fixed_at END AS recovered_at,
               EXISTS (SELECT 1 FROM reporting.incident_links r
                       WHERE r.deployment_id = p.deployment_id AND r.role = 'remediation') AS rework,
               array_remove(ARRAY[p.succeeded_event_id, p.rolled_back_event_id], NULL) AS source_event_ids
        FROM prod p
        LEFT JOIN causes c ON c.deployment_id = p.deployment_id
        LEFT JOIN fixes f ON f.failed_id = p.deployment_id
        LEFT JOIN governance.service_teams t ON t.service = p.service`.execute(db);
      // One row per (service, commit): its lead time to the first successful production deployment containing it.
      await sql`
        CREATE VIEW reporting.dora_changes AS
        SELECT DISTINCT ON (c.service, c.sha) c.service, c.sha, c.committed_at, d.deployment_id AS first_deployment_id,
               d.deployed_at AS first_deployed_at,
               extract(epoch FROM d.deployed_at - c.committed_at)::float8 AS lead_time_seconds,
               c.source_event_id
        FROM reporting.changes c
        JOIN reporting.deployments d ON d.deployment_id = c.deployment_id
        WHERE d.environment_tier = 'prod' AND d.deployed_at IS NOT NULL
        ORDER BY c.service, c.sha, d.deployed_at, d.deployment_id`.execute(db);
      for (const [name, unit] of [
        ['dora_daily', 'day'],
        ['dora_weekly', 'week'],
        ['dora_monthly', 'month'],
      ] as const) {
        // Periods are UTC calendar days, ISO weeks (Monday) and months. Lead times count in the period of the
        // commit's first deployment; recovery times in the period of the failed deployment.
        await sql
          .raw(`
          CREATE VIEW reporting.${name} AS
          WITH d AS (
            SELECT *, date_trunc('${unit}', counted_at, 'UTC') AS period_start FROM reporting.dora_deployments
          ), l AS (
            SELECT service, date_trunc('${unit}', first_deployed_at, 'UTC') AS period_start,
                   count(*)::int AS commits,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY lead_time_seconds) AS lead_time_median_seconds,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY lead_time_seconds) AS lead_time_p90_seconds
            FROM reporting.dora_changes GROUP BY 1, 2
          ), agg AS (
            SELECT service, period_start,
                   count(*) FILTER (WHERE succeeded)::int AS deployments,
                   count(*)::int AS deployments_reaching_prod,
                   count(*) FILTER (WHERE failed)::int AS failed_deployments,
                   count(*) FILTER (WHERE rework)::int AS rework_deployments,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM recovered_at - counted_at)::float8)
                     FILTER (WHERE failed AND recovered_at IS NOT NULL) AS recovery_median_seconds,
                   array_agg(deployment_id ORDER BY counted_at, deployment_id) AS deployment_ids,
                   coalesce(array_agg(deployment_id ORDER BY counted_at, deployment_id) FILTER (WHERE failed), '{}')
                     AS failed_deployment_ids,
                   coalesce(array_agg(deployment_id ORDER BY counted_at, deployment_id) FILTER (WHERE rework), '{}')
                     AS rework_deployment_ids
            FROM d GROUP BY 1, 2
          )
          SELECT a.service, t.team, a.period_start, a.period_start + interval '1 ${unit}' AS period_end,
                 a.deployments, a.deployment_ids,
                 coalesce(l.commits, 0) AS commits, l.lead_time_median_seconds, l.lead_time_p90_seconds,
                 a.failed_deployments, a.deployments_reaching_prod AS change_failure_denominator,
                 round(a.failed_deployments::numeric / a.deployments_reaching_prod, 6) AS change_failure_rate,
                 a.failed_deployment_ids, a.recovery_median_seconds,
                 a.rework_deployments, round(a.rework_deployments::numeric / a.deployments_reaching_prod, 6) AS rework_rate,
                 a.rework_deployment_ids,
                 ARRAY(SELECT e FROM d, unnest(d.source_event_ids) AS e
                       WHERE d.service = a.service AND d.period_start = a.period_start ORDER BY e) AS source_event_ids
          FROM agg a
          LEFT JOIN l ON l.service = a.service AND l.period_start = a.period_start
          LEFT JOIN governance.service_teams t ON t.service = a.service`)
          .execute(db);
      }
    },
  },
  '0003_access_grants': accessGrantsMigration,
  '0005_retrospectives_communications': retrospectivesCommunicationsMigration,
  '0110_rollback_drills': rollbackDrillsMigration,
  '0111_rotations': rotationsMigration,
};
