import type { EnvironmentEvent } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import type { Transaction } from 'kysely';

/** Table `orchestration.environments`: one row per environment with its drift status (E1) and lifecycle (E4). */
export interface EnvironmentRow {
  name: string;
  service: string;
  tier: string;
  region: string;
  template: string;
  template_version: string;
  parameters: Record<string, unknown>;
  parameters_sha256: string;
  actual_config: Record<string, unknown> | null;
  drift_status: string;
  drift_differences: unknown[];
  expires_at: Date | null;
  torn_down_at: Date | null;
  recreate_cron: string | null;
  recreate_time_zone: string | null;
  last_recreate_for: Date | null;
  registered_at: Date;
  updated_at: Date;
  last_event_id: string;
}
export interface EnvironmentListDb {
  'orchestration.environments': EnvironmentRow;
}

const json = (v: unknown) => JSON.stringify(v);

/** Applies one environment event to `orchestration.environments`, inside the runner's checkpoint transaction. */
export const projectEnvironmentList: ProjectFn = async (anyTrx, recorded: RecordedEvent) => {
  const trx = anyTrx as Transaction<EnvironmentListDb>;
  const e = { type: recorded.type, data: recorded.data } as EnvironmentEvent;
  const touched = { updated_at: new Date(recorded.metadata.occurredAt), last_event_id: recorded.id };
  const update = (set: Record<string, unknown>) =>
    trx
      .updateTable('orchestration.environments')
      .set({ ...set, ...touched })
      .where('name', '=', e.data.name)
      .execute();
  switch (e.type) {
    case 'EnvironmentRegistered': {
      const d = e.data;
      await trx
        .insertInto('orchestration.environments')
        .values({
          name: d.name,
          service: d.service,
          tier: d.tier,
          region: d.region,
          template: d.iac.template,
          template_version: d.iac.version,
          parameters: json(d.iac.parameters) as never,
          parameters_sha256: d.iac.parametersSha256,
          actual_config: null,
          drift_status: 'unknown',
          drift_differences: json([]) as never,
          expires_at: d.expiresAt ? new Date(d.expiresAt) : null,
          torn_down_at: null,
          recreate_cron: d.recreate?.cron ?? null,
          recreate_time_zone: d.recreate?.timeZone ?? null,
          last_recreate_for: null,
          registered_at: new Date(d.registeredAt),
          ...touched,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      return;
    }
    case 'ActualConfigReported':
      // In sync unless a DriftDetected follows (it is appended in the same batch, right after).
      await trx
        .updateTable('orchestration.environments')
        .set({ actual_config: json(e.data.config) as never, ...touched })
        .where('name', '=', e.data.name)
        .execute();
      await trx
        .updateTable('orchestration.environments')
        .set({ drift_status: 'in-sync' })
        .where('name', '=', e.data.name)
        .where('drift_status', '=', 'unknown')
        .execute();
      return;
    case 'DriftDetected':
      await update({ drift_status: 'drifted', drift_differences: json(e.data.differences) });
      return;
    case 'DriftCleared':
      await update({ drift_status: 'in-sync', drift_differences: json([]) });
      return;
    case 'EnvironmentTornDown':
      await update({ torn_down_at: new Date(e.data.tornDownAt) });
      return;
    case 'EnvironmentRecreateRequested':
      await update({
        torn_down_at: null,
        expires_at: e.data.expiresAt ? new Date(e.data.expiresAt) : null,
        last_recreate_for: new Date(e.data.scheduledFor),
      });
      return;
  }
};

export async function resetEnvironmentList(anyTrx: unknown): Promise<void> {
  await (anyTrx as Transaction<EnvironmentListDb>).deleteFrom('orchestration.environments').execute();
}

export const environmentListProjection = {
  name: 'environment-list',
  schema: 'orchestration',
  filter: { categories: ['environment'] },
  project: projectEnvironmentList,
  reset: resetEnvironmentList,
} as const;
