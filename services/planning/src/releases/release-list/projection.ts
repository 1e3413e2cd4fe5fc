import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
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

/** Folds release events into `planning.release_list`; runs inside the runner's checkpoint transaction. */
export const projectReleaseList: ProjectFn = async (trx: Transaction<ReleaseListDb>, event: RecordedEvent) => {
  const table = 'planning.release_list' as const;
  const releaseId = event.data.releaseId as string;
  const touched = { last_event_id: event.id, last_position: event.position.toString() };
  switch (event.type) {
    case 'ReleasePlanned': {
      const d = event.data as { name: string; targetDate: string; trainId?: string; owner: string };
      await trx
        .insertInto(table)
        .values({
          release_id: releaseId,
          name: d.name,
          target_date: d.targetDate,
          train_id: d.trainId ?? null,
          owner: d.owner,
          status: 'draft',
          scope_count: 0,
          planned_at: new Date(event.metadata.occurredAt),
          frozen_at: null,
          ...touched,
        })
        .execute();
      return;
    }
    case 'ScopeItemAdded':
      await trx
        .updateTable(table)
        .set((eb) => ({ scope_count: eb('scope_count', '+', 1), status: 'scoped', ...touched }))
        .where('release_id', '=', releaseId)
        .execute();
      return;
    case 'ScopeItemRemoved':
      await trx
        .updateTable(table)
        .set((eb) => ({
          scope_count: eb('scope_count', '-', 1),
          status: eb.case().when('scope_count', '<=', 1).then('draft').else('scoped').end(),
          ...touched,
        }))
        .where('release_id', '=', releaseId)
        .execute();
      return;
    case 'ReleaseFrozen':
      await trx
        .updateTable(table)
        .set({ status: 'frozen', frozen_at: new Date(event.data.frozenAt as string), ...touched })
        .where('release_id', '=', releaseId)
        .execute();
      return;
  }
};

/** Empties the projection's table before a rebuild. */
export async function resetReleaseList(trx: Transaction<ReleaseListDb>): Promise<void> {
  await trx.deleteFrom('planning.release_list').execute();
}
