import { type DeploymentEvent, deploymentEvents, type EventCatalogue } from '@railyard/contracts';
import { decodeFact, type FactEvent, type Fold, occurredAt, type SqlExec } from '../reporting/fact-event.js';

const catalogue = deploymentEvents as unknown as EventCatalogue;
type Subject = Pick<
  Extract<DeploymentEvent, { type: 'DeploymentSucceeded' }>['data'],
  'deploymentId' | 'service' | 'environment' | 'environmentTier' | 'releaseId' | 'runId' | 'planId' | 'artifact'
>;

/** Columns an event sets beside the subject it repeats; written on insert and on conflict alike. */
async function upsert(exec: SqlExec, event: FactEvent, d: Subject, status: string, extra: Record<string, unknown>) {
  const base: Record<string, unknown> = {
    deployment_id: d.deploymentId,
    service: d.service,
    environment: d.environment,
    environment_tier: d.environmentTier,
    release_id: d.releaseId,
    run_id: d.runId,
    plan_id: d.planId,
    artifact_name: d.artifact.name,
    artifact_version: d.artifact.version,
    status,
    last_event_id: event.id,
    updated_at: occurredAt(event),
    ...extra,
  };
  const columns = Object.keys(base);
  const updated = ['status', 'last_event_id', 'updated_at', ...Object.keys(extra)];
  await exec.query(
    `INSERT INTO reporting.deployments (${columns.join(', ')})
     VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (deployment_id) DO UPDATE SET ${updated.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
    Object.values(base),
  );
}

async function recordCommits(
  exec: SqlExec,
  event: FactEvent,
  d: { deploymentId: string; service: string; commits: { sha: string; committedAt: string }[] },
) {
  for (const commit of d.commits) {
    await exec.query(
      `INSERT INTO reporting.changes (deployment_id, sha, committed_at, service, source_event_id, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (deployment_id, sha) DO NOTHING`,
      [d.deploymentId, commit.sha, new Date(commit.committedAt), d.service, event.id, event.createdAt],
    );
  }
}

/**
 * Folds orchestration's `deployment-<id>` events into reporting.deployments, reporting.changes and
 * reporting.rollbacks. Each outcome event repeats the deployment's subject, so any one of them makes the row.
 */
export const foldDeploymentFact: Fold = async (exec, event) => {
  if (!(event.type in catalogue)) return 'applied';
  const decoded = decodeFact<DeploymentEvent['data']>(catalogue, event);
  if (!decoded) return 'invalid';
  const e = { type: event.type, data: decoded } as DeploymentEvent;
  const at = occurredAt(event);
  switch (e.type) {
    case 'DeploymentScheduled':
      await upsert(exec, event, e.data, 'scheduled', {
        requested_at: new Date(e.data.requestedAt),
        scheduled_event_id: event.id,
      });
      await recordCommits(exec, event, e.data);
      return 'applied';
    case 'DeploymentRefused':
      await upsert(exec, event, e.data, 'refused', {});
      return 'applied';
    case 'DeploymentStarted':
      await upsert(exec, event, e.data, 'started', {});
      return 'applied';
    case 'DeploymentSucceeded':
      await upsert(exec, event, e.data, 'succeeded', {
        deployed_at: at,
        succeeded_event_id: event.id,
        succeeded_recorded_at: event.createdAt,
      });
      await recordCommits(exec, event, e.data);
      return 'applied';
    case 'DeploymentFailed':
      await upsert(exec, event, e.data, 'failed', {
        failed_at: at,
        failed_event_id: event.id,
      });
      return 'applied';
    case 'DeploymentRolledBack':
      await upsert(exec, event, e.data, 'rolled_back', {
        rolled_back_at: at,
        rolled_back_event_id: event.id,
        rolled_back_recorded_at: event.createdAt,
      });
      await exec.query(
        `INSERT INTO reporting.rollbacks (event_id, deployment_id, service, environment, environment_tier,
           rolled_back_to, trigger_kind, trigger_id, triggered_by, reason, rolled_back_at, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (event_id) DO NOTHING`,
        [
          event.id,
          e.data.deploymentId,
          e.data.service,
          e.data.environment,
          e.data.environmentTier,
          e.data.to ? `${e.data.to.name}@${e.data.to.version}` : null,
          e.data.trigger.kind,
          e.data.trigger.triggerId,
          e.data.trigger.by,
          e.data.reason,
          at,
          event.createdAt,
        ],
      );
      return 'applied';
    case 'DeploymentRollbackFailed':
      await upsert(exec, event, e.data, 'rollback_failed', {});
      return 'applied';
    default:
      // Steps and the rollback's start say nothing the reporting tables keep.
      return 'applied';
  }
};
