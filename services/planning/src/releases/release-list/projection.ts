import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectBatchFn } from '@railyard/readmodels';
import type { Transaction } from 'kysely';

/** Table `planning.release_list`: one row per release, for listing and filtering. */
export interface ReleaseListRow {
  release_id: string;
  name: string;
  target_date: string;
  train_id: string | null;
  owner: string;
  status: string;
  scope_count: number;
  planned_at: Date;
  frozen_at: Date | null;
  last_event_id: string;
  last_position: string;
}
export interface ReleaseListDb {
  'planning.release_list': ReleaseListRow;
}

export const RELEASE_LIST = 'release-list';
export const releaseListFilter = { categories: ['release'] };

/** Folds one release event into its row (undefined: the release is not known yet). Pure. */
export function foldReleaseRow(row: ReleaseListRow | undefined, event: RecordedEvent): ReleaseListRow | undefined {
  const touched = { last_event_id: event.id, last_position: event.position.toString() };
  switch (event.type) {
    case 'ReleasePlanned': {
      const d = event.data as { releaseId: string; name: string; targetDate: string; trainId?: string; owner: string };
      return {
        release_id: d.releaseId,
        name: d.name,
        target_date: d.targetDate,
        train_id: d.trainId ?? null,
        owner: d.owner,
        status: 'draft',
        scope_count: 0,
        planned_at: new Date(event.metadata.occurredAt),
        frozen_at: null,
        ...touched,
      };
    }
    case 'ScopeItemAdded':
      return row && { ...row, scope_count: row.scope_count + 1, status: 'scoped', ...touched };
    case 'ScopeItemRemoved': {
      if (!row) return row;
      const scope_count = row.scope_count - 1;
      return { ...row, scope_count, status: scope_count <= 0 ? 'draft' : 'scoped', ...touched };
    }
    case 'ReleaseFrozen':
      return row && { ...row, status: 'frozen', frozen_at: new Date(event.data.frozenAt as string), ...touched };
    default:
      return row;
  }
}

/**
 * Applies a batch of release events to `planning.release_list` inside the runner's checkpoint transaction: the
 * touched rows are read once, folded in memory, and written back in one upsert (rebuilds replay thousands of
 * events per transaction, so per-event statements would dominate).
 */
export const projectReleaseList: ProjectBatchFn = async (trx: Transaction<ReleaseListDb>, events) => {
  const ids = [...new Set(events.map((e) => e.data.releaseId as string))];
  const existing = await trx.selectFrom('planning.release_list').selectAll().where('release_id', 'in', ids).execute();
  const rows = new Map<string, ReleaseListRow | undefined>(existing.map((r) => [r.release_id, r]));
  for (const event of events) {
    const id = event.data.releaseId as string;
    rows.set(id, foldReleaseRow(rows.get(id), event));
  }
  const changed = [...rows.values()].filter((r): r is ReleaseListRow => r !== undefined);
  if (changed.length === 0) return;
  await trx
    .insertInto('planning.release_list')
    .values(changed)
    .onConflict((oc) =>
      oc.column('release_id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        target_date: eb.ref('excluded.target_date'),
        train_id: eb.ref('excluded.train_id'),
        owner: eb.ref('excluded.owner'),
        status: eb.ref('excluded.status'),
        scope_count: eb.ref('excluded.scope_count'),
        planned_at: eb.ref('excluded.planned_at'),
        frozen_at: eb.ref('excluded.frozen_at'),
        last_event_id: eb.ref('excluded.last_event_id'),
        last_position: eb.ref('excluded.last_position'),
      })),
    )
    .execute();
};

/** Empties the projection's table before a rebuild. */
export async function resetReleaseList(trx: Transaction<ReleaseListDb>): Promise<void> {
  await trx.deleteFrom('planning.release_list').execute();
}

/** Everything a runner, a rebuild or a tool needs to run this projection. */
export const releaseListProjection = {
  name: RELEASE_LIST,
  schema: 'planning',
  filter: releaseListFilter,
  projectBatch: projectReleaseList,
  reset: resetReleaseList,
} as const;
