import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import type { Transaction } from 'kysely';
import type { PlanDb } from '../plan-list/projection.js';

interface Outcome {
  deploymentId: string;
  service: string;
  environment: string;
  artifact: { version: string };
  to?: { version: string } | null;
}

/**
 * Table `orchestration.running_versions`: the version each service runs per environment, learned from the agreed
 * deployment events (a success makes its artifact live, a rollback its target). Contract migrations read it (O2).
 */
export const projectRunningVersions: ProjectFn = async (anyTrx, recorded: RecordedEvent) => {
  const trx = anyTrx as Transaction<PlanDb>;
  const d = recorded.data as unknown as Outcome;
  const version = recorded.type === 'DeploymentSucceeded' ? d.artifact.version : (d.to?.version ?? null);
  if (version === null) {
    await trx
      .deleteFrom('orchestration.running_versions')
      .where('service', '=', d.service)
      .where('environment', '=', d.environment)
      .execute();
    return;
  }
  const row = {
    service: d.service,
    environment: d.environment,
    version,
    deployment_id: d.deploymentId,
    updated_at: new Date(recorded.metadata.occurredAt),
  };
  await trx
    .insertInto('orchestration.running_versions')
    .values(row)
    .onConflict((oc) => oc.columns(['service', 'environment']).doUpdateSet(row))
    .execute();
};

export const runningVersionsProjection = {
  name: 'running-versions',
  schema: 'orchestration',
  filter: { categories: ['deployment'], eventTypes: ['DeploymentSucceeded', 'DeploymentRolledBack'] },
  project: projectRunningVersions,
  reset: async (anyTrx: unknown) => {
    await (anyTrx as Transaction<PlanDb>).deleteFrom('orchestration.running_versions').execute();
  },
} as const;
