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
};
