import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import { sql, type Transaction } from 'kysely';

/** Table `pipeline.run_list`: one row per run, for listing and filtering runs. */
export interface RunListRow {
  run_id: string;
  service: string;
  artifact_name: string;
  artifact_version: string;
  definition_version: number;
  triggered_by: string;
  status: string;
  deployed_to: string[];
  blocked_promotions: number;
  started_at: Date;
  updated_at: Date;
  last_event_id: string;
  last_position: string;
}
export interface RunListDb {
  'pipeline.run_list': RunListRow;
}

export const RUN_LIST = 'run-list';

/** Applies one run event to `pipeline.run_list`, inside the runner's checkpoint transaction. */
export const projectRunList: ProjectFn = async (anyTrx, event: RecordedEvent) => {
  const trx = anyTrx as Transaction<RunListDb>;
  const d = event.data as Record<string, unknown> & { runId: string };
  const touched = {
    updated_at: new Date(event.metadata.occurredAt),
    last_event_id: event.id,
    last_position: event.position.toString(),
  };
  const update = (set: Record<string, unknown>) =>
    trx
      .updateTable('pipeline.run_list')
      .set({ ...set, ...touched })
      .where('run_id', '=', d.runId)
      .execute();
  switch (event.type) {
    case 'PipelineRunStarted': {
      const artifact = d.artifact as { name: string; version: string };
      await trx
        .insertInto('pipeline.run_list')
        .values({
          run_id: d.runId,
          service: d.service as string,
          artifact_name: artifact.name,
          artifact_version: artifact.version,
          definition_version: d.definitionVersion as number,
          triggered_by: d.triggeredBy as string,
          status: 'running',
          deployed_to: [],
          blocked_promotions: 0,
          started_at: new Date(event.metadata.occurredAt),
          ...touched,
        })
        .onConflict((oc) => oc.column('run_id').doNothing())
        .execute();
      return;
    }
    case 'DeploymentRequested':
      await update({ deployed_to: sql`array_append(deployed_to, ${d.environment as string})` });
      return;
    case 'PromotionBlocked':
      await update({ blocked_promotions: sql`blocked_promotions + 1` });
      return;
    case 'PipelineRunSucceeded':
      await update({ status: 'succeeded' });
      return;
    case 'PipelineRunFailed':
      await update({ status: 'failed' });
      return;
    default:
      await update({});
  }
};

export async function resetRunList(anyTrx: unknown): Promise<void> {
  await (anyTrx as Transaction<RunListDb>).deleteFrom('pipeline.run_list').execute();
}

export const runListProjection = {
  name: RUN_LIST,
  schema: 'pipeline',
  filter: { categories: ['pipelineRun'] },
  project: projectRunList,
  reset: resetRunList,
} as const;
