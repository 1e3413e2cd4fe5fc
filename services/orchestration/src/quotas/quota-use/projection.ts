import type { QuotaEvent } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import type { Transaction } from 'kysely';

/** Tables `orchestration.quotas` and `orchestration.quota_reservations`; view `orchestration.quota_use` sums them. */
export interface QuotaUseDb {
  'orchestration.quotas': {
    team: string;
    environment: string;
    concurrent_deployments: number;
    instances: number;
    cpu_units: number;
    memory_units: number;
    when_exceeded: string;
    updated_at: Date;
  };
  'orchestration.quota_reservations': {
    team: string;
    environment: string;
    deployment_id: string;
    status: string;
    instances: number;
    cpu_units: number;
    memory_units: number;
    since: Date;
  };
  'orchestration.quota_use': {
    team: string;
    environment: string;
    when_exceeded: string;
    max_concurrent_deployments: number;
    max_instances: number;
    max_cpu_units: number;
    max_memory_units: number;
    concurrent_deployments: number;
    instances: number;
    cpu_units: number;
    memory_units: number;
    queued: number;
  };
}

/** Applies one quota event to the quota tables. */
export const projectQuotaUse: ProjectFn = async (anyTrx, recorded: RecordedEvent) => {
  const trx = anyTrx as Transaction<QuotaUseDb>;
  const e = { type: recorded.type, data: recorded.data } as QuotaEvent;
  const at = new Date(recorded.metadata.occurredAt);
  const key = { team: e.data.team, environment: e.data.environment };
  switch (e.type) {
    case 'QuotaSet': {
      const l = e.data.limits;
      const row = {
        concurrent_deployments: l.concurrentDeployments,
        instances: l.instances,
        cpu_units: l.cpuUnits,
        memory_units: l.memoryUnits,
        when_exceeded: e.data.whenExceeded,
        updated_at: at,
      };
      await trx
        .insertInto('orchestration.quotas')
        .values({ ...key, ...row })
        .onConflict((oc) => oc.columns(['team', 'environment']).doUpdateSet(row))
        .execute();
      return;
    }
    case 'QuotaReserved':
    case 'QuotaReservationQueued': {
      const status = e.type === 'QuotaReserved' ? 'held' : 'queued';
      const d = e.data.demand;
      await trx
        .insertInto('orchestration.quota_reservations')
        .values({
          ...key,
          deployment_id: e.data.deploymentId,
          status,
          instances: d.instances,
          cpu_units: d.cpuUnits,
          memory_units: d.memoryUnits,
          since: at,
        })
        .onConflict((oc) => oc.columns(['team', 'environment', 'deployment_id']).doUpdateSet({ status, since: at }))
        .execute();
      return;
    }
    case 'QuotaReleased':
      await trx
        .deleteFrom('orchestration.quota_reservations')
        .where('team', '=', key.team)
        .where('environment', '=', key.environment)
        .where('deployment_id', '=', e.data.deploymentId)
        .execute();
      return;
  }
};

export async function resetQuotaUse(anyTrx: unknown): Promise<void> {
  const trx = anyTrx as Transaction<QuotaUseDb>;
  await trx.deleteFrom('orchestration.quota_reservations').execute();
  await trx.deleteFrom('orchestration.quotas').execute();
}

export const quotaUseProjection = {
  name: 'quota-use',
  schema: 'orchestration',
  filter: { categories: ['quota'] },
  project: projectQuotaUse,
  reset: resetQuotaUse,
} as const;
