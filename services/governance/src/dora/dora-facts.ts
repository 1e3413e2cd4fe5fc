import type { CauseClass, LinkRole } from '@railyard/contracts';
import type pg from 'pg';
import type { DoraFacts } from './domain/dora.js';

/**
 * Loads the production facts of some services from the reporting tables (every recording time included: the domain
 * filters by `asOf`). Reads the rows as they are now; what was known then follows from their recording times.
 */
export async function loadDoraFacts(pool: pg.Pool, services: readonly string[] | null): Promise<DoraFacts> {
  const filter = services ? 'AND d.service = ANY($1)' : '';
  const params = services ? [services] : [];
  const deployments = await pool.query(
    `SELECT deployment_id, service, deployed_at, rolled_back_at, succeeded_recorded_at, rolled_back_recorded_at,
            succeeded_event_id, rolled_back_event_id
     FROM reporting.deployments d WHERE environment_tier = 'prod' ${filter}`,
    params,
  );
  const changes = await pool.query(
    `SELECT c.deployment_id, c.sha, c.committed_at, c.recorded_at FROM reporting.changes c
     JOIN reporting.deployments d USING (deployment_id) WHERE d.environment_tier = 'prod' ${filter}`,
    params,
  );
  const links = await pool.query(
    `SELECT l.* FROM reporting.incident_links l JOIN reporting.deployments d USING (deployment_id)
     WHERE d.environment_tier = 'prod' ${filter}`,
    params,
  );
  const classifications = await pool.query(
    'SELECT incident_id, cause_class, cause, classified_at, event_id, recorded_at FROM governance.incident_classifications',
  );
  return {
    deployments: deployments.rows.map((r) => ({
      deploymentId: r.deployment_id,
      service: r.service,
      deployedAt: r.deployed_at,
      rolledBackAt: r.rolled_back_at,
      succeededRecordedAt: r.succeeded_recorded_at,
      rolledBackRecordedAt: r.rolled_back_recorded_at,
      succeededEventId: r.succeeded_event_id,
      rolledBackEventId: r.rolled_back_event_id,
    })),
    changes: changes.rows.map((r) => ({
      deploymentId: r.deployment_id,
      sha: r.sha,
      committedAt: r.committed_at,
      recordedAt: r.recorded_at,
    })),
    links: links.rows.map((r) => ({
      incidentId: r.incident_id,
      deploymentId: r.deployment_id,
      role: r.role as LinkRole,
      reason: r.reason,
      linkedBy: r.linked_by,
      linkedAt: r.linked_at,
      eventId: r.event_id,
      recordedAt: r.recorded_at,
    })),
    classifications: classifications.rows.map((r) => ({
      incidentId: r.incident_id,
      causeClass: r.cause_class as CauseClass,
      cause: r.cause,
      classifiedAt: r.classified_at,
      eventId: r.event_id,
      recordedAt: r.recorded_at,
    })),
  };
}

/** The services of a team (governance.service_teams), or undefined when no service belongs to it. */
export async function servicesOfTeam(pool: pg.Pool, team: string): Promise<string[] | undefined> {
  const { rows } = await pool.query<{ service: string }>(
    'SELECT service FROM governance.service_teams WHERE team = $1 ORDER BY service',
    [team],
  );
  return rows.length ? rows.map((r) => r.service) : undefined;
}
