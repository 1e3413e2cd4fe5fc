import type { RollbackThresholds } from '@railyard/contracts';
import type pg from 'pg';

/** A deployment as monitoring learnt it from orchestration's events. */
export interface KnownDeployment {
  deploymentId: string;
  releaseId: string | null;
  planId: string | null;
  service: string;
  environment: string;
  version: string;
  baselineVersion: string | null;
  status: string;
  commits: { sha: string; committedAt: string }[];
  scheduledAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The correlation the deployment was scheduled under (the release's, when a release asked for it). */
  correlationId: string | null;
}

interface DeploymentRow {
  deployment_id: string;
  release_id: string | null;
  plan_id: string | null;
  service: string;
  environment: string;
  version: string;
  baseline_version: string | null;
  status: string;
  commits: { sha: string; committedAt: string }[];
  scheduled_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  correlation_id: string | null;
}

const fromRow = (r: DeploymentRow): KnownDeployment => ({
  deploymentId: r.deployment_id,
  releaseId: r.release_id,
  planId: r.plan_id,
  service: r.service,
  environment: r.environment,
  version: r.version,
  baselineVersion: r.baseline_version,
  status: r.status,
  commits: r.commits,
  scheduledAt: r.scheduled_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  correlationId: r.correlation_id ?? null,
});

/** Read access to what the context consumers learnt; each capability receives the part it needs. */
export function deploymentContext(pool: pg.Pool) {
  return {
    async deployment(deploymentId: string): Promise<KnownDeployment | undefined> {
      const { rows } = await pool.query<DeploymentRow>(
        'SELECT * FROM monitoring.deployments WHERE deployment_id = $1',
        [deploymentId],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
    /** Running deployments of a release with criteria for their service, oldest first. */
    async runningWithCriteria(): Promise<{ deployment: KnownDeployment; criteria: RollbackThresholds }[]> {
      const { rows } = await pool.query<DeploymentRow & { criteria: RollbackThresholds }>(
        `SELECT d.*, c.criteria FROM monitoring.deployments d
         JOIN monitoring.rollback_criteria c ON c.release_id = d.release_id AND c.service = d.service
         WHERE d.status = 'running' ORDER BY d.started_at, d.deployment_id LIMIT 500`,
      );
      return rows.map((r) => ({ deployment: fromRow(r), criteria: r.criteria }));
    },
    async criteria(releaseId: string, service: string): Promise<RollbackThresholds | undefined> {
      const { rows } = await pool.query<{ criteria: RollbackThresholds }>(
        'SELECT criteria FROM monitoring.rollback_criteria WHERE release_id = $1 AND service = $2',
        [releaseId, service],
      );
      return rows[0]?.criteria;
    },
    /**
     * Deployments of these services to `environment` (any environment when null) that started, or were scheduled,
     * in [from, to], newest first.
     */
    async deploymentsBetween(services: string[], environment: string | null, from: Date, to: Date) {
      const { rows } = await pool.query<DeploymentRow>(
        `SELECT * FROM monitoring.deployments
         WHERE service = ANY($1) AND ($2::text IS NULL OR environment = $2)
           AND COALESCE(started_at, scheduled_at) BETWEEN $3 AND $4
           AND status <> 'refused'
         ORDER BY COALESCE(started_at, scheduled_at) DESC, deployment_id LIMIT 100`,
        [services, environment, from, to],
      );
      return rows.map(fromRow);
    },
    /** The services `service` depends on: providers of the APIs it consumes, in any rollout plan learnt. */
    async providersOf(service: string): Promise<string[]> {
      const { rows } = await pool.query<{ service: string }>(
        `SELECT DISTINCT p.service FROM monitoring.plan_services c
         JOIN monitoring.plan_services p ON p.plan_id = c.plan_id AND p.provides && c.consumes
         WHERE c.service = $1 AND p.service <> $1 ORDER BY p.service`,
        [service],
      );
      return rows.map((r) => r.service);
    },
    /** The services that depend on `service`: consumers of the APIs it provides, in any rollout plan learnt. */
    async dependentsOf(service: string): Promise<string[]> {
      const { rows } = await pool.query<{ service: string }>(
        `SELECT DISTINCT c.service FROM monitoring.plan_services p
         JOIN monitoring.plan_services c ON c.plan_id = p.plan_id AND c.consumes && p.provides
         WHERE p.service = $1 AND c.service <> $1 ORDER BY c.service`,
        [service],
      );
      return rows.map((r) => r.service);
    },
    /** The deployment lead of a rollout plan, when the plan was learnt. */
    async leadOf(planId: string | null, releaseId: string | null): Promise<string | null> {
      if (!planId && !releaseId) return null;
      const { rows } = await pool.query<{ lead: string }>(
        `SELECT lead FROM monitoring.rollout_plans WHERE plan_id = $1 OR release_id = $2
         ORDER BY (plan_id = $1) DESC NULLS LAST, created_at DESC LIMIT 1`,
        [planId, releaseId],
      );
      return rows[0]?.lead ?? null;
    },
  };
}
export type DeploymentContext = ReturnType<typeof deploymentContext>;
