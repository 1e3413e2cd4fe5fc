import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectBatchFn } from '@railyard/readmodels';
import type { Transaction } from 'kysely';

/** Table `planning.release_list`: one row per release, for listing, the release calendar and the CAB queue. */
export interface ReleaseListRow {
  release_id: string;
  name: string;
  target_date: string;
  train_id: string | null;
  owner: string;
  status: string;
  /** Accepted scope items (the scope the freeze fixes). */
  scope_count: number;
  planned_at: Date;
  frozen_at: Date | null;
  item_ids: string[];
  accepted_ids: string[];
  slot_date: string | null;
  freeze_cutoff: Date | null;
  cab_state: string | null;
  cab_round: number | null;
  cab_submitted_at: Date | null;
  risk_score: number | null;
  risk_level: string | null;
  cab_quorum: number | null;
  cab_approvals: number | null;
  last_event_id: string;
  last_position: string;
}
export interface ReleaseListDb {
  'planning.release_list': ReleaseListRow;
}

export const RELEASE_LIST = 'release-list';
export const releaseListFilter = { categories: ['release'] };

type D = Record<string, unknown>;
const at = (event: RecordedEvent) => new Date(event.metadata.occurredAt);

/** Accepted items decide draft ⇄ scoped; the later states come from their own events. */
function withScope(row: ReleaseListRow, item_ids: string[], accepted_ids: string[]): ReleaseListRow {
  const negotiable = row.status === 'draft' || row.status === 'scoped';
  const status = negotiable ? (accepted_ids.length > 0 ? 'scoped' : 'draft') : row.status;
  return { ...row, item_ids, accepted_ids, scope_count: accepted_ids.length, status };
}

function foldPlanned(row: ReleaseListRow, event: RecordedEvent): ReleaseListRow {
  const d = event.data as D;
  const without = (ids: string[]) => ids.filter((id) => id !== d.itemId);
  switch (event.type) {
    case 'ScopeItemAdded':
      return withScope(row, [...row.item_ids, d.itemId as string], row.accepted_ids);
    case 'ScopeItemAccepted':
      return withScope(row, row.item_ids, [...row.accepted_ids, d.itemId as string]);
    case 'ScopeItemDeferred':
      return withScope(row, row.item_ids, without(row.accepted_ids));
    case 'ScopeItemRemoved':
      return withScope(row, without(row.item_ids), without(row.accepted_ids));
    case 'FreezeExceptionUsed': {
      // An item added under an exception is in scope; a removed one is already gone.
      const itemId = d.itemId as string | undefined;
      if (!itemId || !row.item_ids.includes(itemId) || row.accepted_ids.includes(itemId)) return row;
      return withScope(row, row.item_ids, [...row.accepted_ids, itemId]);
    }
    case 'ReleaseAttachedToSlot':
      return {
        ...row,
        train_id: d.trainId as string,
        slot_date: d.slotDate as string,
        freeze_cutoff: new Date(d.cutoffAt as string),
      };
    case 'FreezeCutoffSet':
      return { ...row, freeze_cutoff: new Date(d.cutoffAt as string) };
    case 'ReleaseFrozen': {
      // Streams from before scope negotiation froze items never accepted explicitly: the freeze accepted them.
      const fixed = (d.scopeItemIds as unknown as string[]).filter((id) => !row.accepted_ids.includes(id));
      const frozen = { ...row, status: 'frozen', frozen_at: new Date(d.frozenAt as string) };
      return fixed.length === 0 ? frozen : withScope(frozen, row.item_ids, [...row.accepted_ids, ...fixed]);
    }
    case 'CabReviewRequested':
      return {
        ...row,
        cab_state: 'in-review',
        cab_round: d.round as number,
        cab_submitted_at: at(event),
        risk_score: d.score as number,
        risk_level: d.level as string,
        cab_quorum: d.quorum as number,
        cab_approvals: 0,
      };
    case 'CabVoteCast':
      return d.vote === 'reject' ? row : { ...row, cab_approvals: (row.cab_approvals ?? 0) + 1 };
    case 'CabDecisionRecorded':
      return d.decision === 'approved'
        ? { ...row, cab_state: 'approved', status: 'cab-approved' }
        : { ...row, cab_state: 'rejected' };
    case 'ReleaseDeploymentStarted':
      return { ...row, status: 'deploying' };
    case 'ReleaseReleased':
      return { ...row, status: 'released' };
    case 'ReleaseRolledBack':
      return { ...row, status: 'rolled-back' };
    case 'ReleaseCancelled':
      return { ...row, status: 'cancelled' };
    default:
      return row;
  }
}

/** Folds one release event into its row (undefined: the release is not known yet). Pure. */
export function foldReleaseRow(row: ReleaseListRow | undefined, event: RecordedEvent): ReleaseListRow | undefined {
  // An event the row has already folded (a replay over a lost checkpoint, a redelivery) changes nothing.
  if (row && BigInt(row.last_position) >= event.position) return row;
  const touched = { last_event_id: event.id, last_position: event.position.toString() };
  if (event.type === 'ReleasePlanned') {
    const d = event.data as { releaseId: string; name: string; targetDate: string; trainId?: string; owner: string };
    return {
      release_id: d.releaseId,
      name: d.name,
      target_date: d.targetDate,
      train_id: d.trainId ?? null,
      owner: d.owner,
      status: 'draft',
      scope_count: 0,
      planned_at: at(event),
      frozen_at: null,
      item_ids: [],
      accepted_ids: [],
      slot_date: null,
      freeze_cutoff: null,
      cab_state: null,
      cab_round: null,
      cab_submitted_at: null,
      risk_score: null,
      risk_level: null,
      cab_quorum: null,
      cab_approvals: null,
      ...touched,
    };
  }
  return row && { ...foldPlanned(row, event), ...touched };
}

// Every column but the key is overwritten with the folded row.
const UPDATED = [
  'name',
  'target_date',
  'train_id',
  'owner',
  'status',
  'scope_count',
  'planned_at',
  'frozen_at',
  'item_ids',
  'accepted_ids',
  'slot_date',
  'freeze_cutoff',
  'cab_state',
  'cab_round',
  'cab_submitted_at',
  'risk_score',
  'risk_level',
  'cab_quorum',
  'cab_approvals',
  'last_event_id',
  'last_position',
] as const satisfies readonly Exclude<keyof ReleaseListRow, 'release_id'>[];

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
      oc
        .column('release_id')
        .doUpdateSet((eb) => Object.fromEntries(UPDATED.map((column) => [column, eb.ref(`excluded.${column}`)]))),
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
