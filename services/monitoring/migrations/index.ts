import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The monitoring service's schema, in order. Migrations run inside schema `monitoring`. Everything here is learnt
 * from other services' events on NATS (never their tables) or pushed to this service's own API.
 */
export const monitoringMigrations: Record<string, Migration> = {
  '0001_deployment_context': {
    async up(db: Kysely<unknown>) {
      // planning's RollbackCriteriaPublished: the latest criteria per release and service.
      await sql`CREATE TABLE rollback_criteria (
        release_id uuid NOT NULL,
        service text NOT NULL,
        criteria jsonb NOT NULL,
        event_id uuid NOT NULL,
        published_at timestamptz NOT NULL,
        PRIMARY KEY (release_id, service)
      )`.execute(db);
      // orchestration's deployment-<id> events: what is deployed where, and whether it is still running.
      await sql`CREATE TABLE deployments (
        deployment_id uuid PRIMARY KEY,
        release_id uuid,
        plan_id uuid,
        service text NOT NULL,
        environment text NOT NULL,
        version text NOT NULL,
        baseline_version text,
        status text NOT NULL,
        commits jsonb NOT NULL DEFAULT '[]',
        scheduled_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        last_event_type text NOT NULL,
        updated_at timestamptz NOT NULL
      )`.execute(db);
      await sql`CREATE INDEX deployments_running ON deployments (status) WHERE status = 'running'`.execute(db);
      await sql`CREATE INDEX deployments_service_time ON deployments (service, environment, scheduled_at DESC)`.execute(
        db,
      );
      // orchestration's RolloutPlanCreated: the lead and the API contract graph of each plan.
      await sql`CREATE TABLE rollout_plans (
        plan_id uuid PRIMARY KEY,
        release_id uuid NOT NULL,
        lead text NOT NULL,
        created_at timestamptz NOT NULL
      )`.execute(db);
      await sql`CREATE TABLE plan_services (
        plan_id uuid NOT NULL,
        service text NOT NULL,
        version text NOT NULL,
        provides text[] NOT NULL,
        consumes text[] NOT NULL,
        PRIMARY KEY (plan_id, service)
      )`.execute(db);
      // JSON samples pushed by sources without Prometheus (M4), and read back by the push metrics source.
      await sql`CREATE TABLE metric_samples (
        service text NOT NULL,
        environment text NOT NULL,
        version text NOT NULL,
        metric text NOT NULL,
        at timestamptz NOT NULL,
        value double precision NOT NULL,
        PRIMARY KEY (service, environment, version, metric, at)
      )`.execute(db);
    },
  },
  '0002_anomaly_list': {
    async up(db: Kysely<unknown>) {
      // Projection of anomaly-<id> streams: the escalator's candidates (open, not escalated, old enough).
      await sql`CREATE TABLE anomaly_list (
        anomaly_id uuid PRIMARY KEY,
        source text NOT NULL,
        service text NOT NULL,
        environment text,
        deployment_id uuid,
        release_id uuid,
        severity text NOT NULL,
        summary text NOT NULL,
        opened_at timestamptz NOT NULL,
        status text NOT NULL,
        resolved_at timestamptz,
        escalated_at timestamptz
      )`.execute(db);
      await sql`CREATE INDEX anomaly_list_unescalated ON anomaly_list (opened_at)
        WHERE status = 'open' AND escalated_at IS NULL`.execute(db);
    },
  },
  '0003_journey_index': {
    async up(db: Kysely<unknown>) {
      // Projection of journey-<name> streams: which journeys cover which service (run after its deployment steps).
      await sql`CREATE TABLE journey_index (
        name text PRIMARY KEY,
        service text NOT NULL,
        environment text,
        every_seconds integer
      )`.execute(db);
      await sql`CREATE INDEX journey_index_service ON journey_index (service)`.execute(db);
    },
  },
  '0004_deployment_correlation': {
    async up(db: Kysely<unknown>) {
      // The correlation of the deployment's scheduling (the release's, when it came from one): monitoring's analysis
      // events carry it, so an export of the release holds its canary verdicts and rollbacks.
      await sql`ALTER TABLE deployments ADD COLUMN correlation_id text`.execute(db);
    },
  },
};
