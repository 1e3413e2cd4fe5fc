import type { DeploymentEvent } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import type { Transaction } from 'kysely';

/** Table `orchestration.deployments`: every deployment with its status and progress (O7, R1). */
export interface DeploymentRow {
  deployment_id: string;
  run_id: string;
  stage: number;
  release_id: string | null;
  plan_id: string | null;
  service: string;
  environment: string;
  environment_tier: string | null;
  version: string;
  strategy: string;
  status: string;
  steps_total: number;
  steps_done: number;
  live_weight: number | null;
  reason: string;
  requested_at: Date;
  updated_at: Date;
  last_event_id: string;
}
export interface DeploymentListDb {
  'orchestration.deployments': DeploymentRow;
}

const STATUS_OF: Partial<Record<DeploymentEvent['type'], string>> = {
  DeploymentRefused: 'refused',
  DeploymentSucceeded: 'succeeded',
  DeploymentFailed: 'failed',
  DeploymentRollbackStarted: 'rolling-back',
  DeploymentRolledBack: 'rolled-back',
  DeploymentRollbackFailed: 'rollback-failed',
};

/** Applies one deployment event to `orchestration.deployments`. */
export const projectDeploymentList: ProjectFn = async (anyTrx, recorded: RecordedEvent) => {
  const trx = anyTrx as Transaction<DeploymentListDb>;
  const e = { type: recorded.type, data: recorded.data } as DeploymentEvent;
  const touched = { updated_at: new Date(recorded.metadata.occurredAt), last_event_id: recorded.id };
  const id = e.data.deploymentId;
  const update = (set: Partial<DeploymentRow>) =>
    trx
      .updateTable('orchestration.deployments')
      .set({ ...set, ...touched })
      .where('deployment_id', '=', id)
      .execute();
  switch (e.type) {
    case 'DeploymentScheduled': {
      const d = e.data;
      await trx
        .insertInto('orchestration.deployments')
        .values({
          deployment_id: id,
          run_id: d.runId,
          stage: d.stage,
          release_id: d.releaseId,
          plan_id: d.planId,
          service: d.service,
          environment: d.environment,
          environment_tier: d.environmentTier,
          version: d.artifact.version,
          strategy: d.strategy.type,
          status: 'waiting',
          steps_total: 0,
          steps_done: 0,
          live_weight: null,
          reason: d.reason,
          requested_at: new Date(d.requestedAt),
          ...touched,
        })
        .onConflict((oc) => oc.column('deployment_id').doNothing())
        .execute();
      return;
    }
    case 'DeploymentStarted':
      await update({
        status: 'running',
        steps_total: e.data.steps.length,
        plan_id: e.data.planId,
        reason: e.data.reason,
      });
      return;
    case 'DeploymentStepStarted':
      await update({});
      return;
    case 'DeploymentStepCompleted': {
      const live = e.data.live ? { live_weight: e.data.live.weight } : {};
      if (e.data.step.action === 'rollback' || e.data.outcome === 'failed') return update(live).then(() => {});
      // Steps complete in order, so the n-th success means n steps done: idempotent when an event is applied twice.
      await trx
        .updateTable('orchestration.deployments')
        .set((eb) => ({
          steps_done: eb.fn('greatest', [eb.ref('steps_done'), eb.val(e.data.step.step + 1)]),
          ...live,
          ...touched,
        }))
        .where('deployment_id', '=', id)
        .execute();
      return;
    }
    default: {
      const status = STATUS_OF[e.type];
      if (status) await update({ status, reason: (e.data as { reason: string }).reason });
    }
  }
};

export async function resetDeploymentList(anyTrx: unknown): Promise<void> {
  await (anyTrx as Transaction<DeploymentListDb>).deleteFrom('orchestration.deployments').execute();
}

export const deploymentListProjection = {
  name: 'deployment-list',
  schema: 'orchestration',
  filter: { categories: ['deployment'] },
  project: projectDeploymentList,
  reset: resetDeploymentList,
} as const;
