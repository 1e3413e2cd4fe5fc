import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectBatchFn } from '@railyard/readmodels';
import { type Kysely, sql, type Transaction } from 'kysely';

/** `planning.freeze_exception_log`: every freeze exception, requested → approved/denied → used (P4). */
export interface FreezeExceptionRow {
  exception_id: string;
  release_id: string;
  action: string;
  change: unknown;
  justification: string;
  requested_by: string;
  requested_at: Date;
  status: string;
  decided_by: string | null;
  decided_at: Date | null;
  reason: string | null;
  used_at: Date | null;
  last_position: string;
}
/** `planning.dependency_board`: one row per dependency edge, for each team's board (P2). */
export interface DependencyRow {
  dependency_id: string;
  release_id: string;
  from_team: string;
  from_service: string | null;
  to_team: string;
  to_service: string | null;
  kind: string;
  owner: string;
  blocking: boolean;
  status: string;
  updated_at: Date;
  last_position: string;
}
/** `planning.compliance_status`: one row per requirement with its evidence counts (P5). */
export interface ComplianceRow {
  requirement_id: string;
  release_id: string;
  control: string;
  name: string;
  region: string | null;
  mandatory: boolean;
  pending_evidence: number;
  accepted_evidence: number;
  rejected_evidence: number;
  last_position: string;
}
export interface ReleaseBoardsDb {
  'planning.freeze_exception_log': FreezeExceptionRow;
  'planning.dependency_board': DependencyRow;
  'planning.compliance_status': ComplianceRow;
}

export const RELEASE_BOARDS = 'release-boards';
export const releaseBoardsFilter = {
  categories: ['release'],
  eventTypes: [
    'FreezeExceptionRequested',
    'FreezeExceptionDecided',
    'FreezeExceptionUsed',
    'DependencyDeclared',
    'DependencyStatusChanged',
    'ComplianceRequirementAttached',
    'ComplianceEvidenceSubmitted',
    'ComplianceEvidenceReviewed',
  ],
};

type D = Record<string, string | boolean | undefined | Record<string, string>>;

/**
 * Applies one event; an event at or before a row's `last_position` is already in it and changes nothing (a replay
 * over a lost checkpoint, or a redelivery, must not count evidence twice). Statements per event (not folded per batch like the release list): these boards see a few
 * events per release, and each event touches one row by key, so a batch is already a handful of index lookups.
 */
async function apply(trx: Transaction<ReleaseBoardsDb>, event: RecordedEvent): Promise<void> {
  const d = event.data as D;
  const at = new Date(event.metadata.occurredAt);
  const last_position = event.position.toString();
  switch (event.type) {
    case 'FreezeExceptionRequested': {
      const change = d.change as Record<string, string>;
      await trx
        .insertInto('planning.freeze_exception_log')
        .values({
          exception_id: d.exceptionId as string,
          release_id: d.releaseId as string,
          action: change.action!,
          change: JSON.stringify(change),
          justification: d.justification as string,
          requested_by: d.requestedBy as string,
          requested_at: at,
          status: 'requested',
          decided_by: null,
          decided_at: null,
          reason: null,
          used_at: null,
          last_position,
        })
        .onConflict((oc) => oc.column('exception_id').doNothing())
        .execute();
      return;
    }
    case 'FreezeExceptionDecided':
      await trx
        .updateTable('planning.freeze_exception_log')
        .set({
          status: d.decision as string,
          decided_by: d.decidedBy as string,
          decided_at: at,
          reason: (d.reason as string | undefined) ?? null,
          last_position,
        })
        .where('exception_id', '=', d.exceptionId as string)
        .where('last_position', '<', last_position)
        .execute();
      return;
    case 'FreezeExceptionUsed':
      await trx
        .updateTable('planning.freeze_exception_log')
        .set({ status: 'used', used_at: at, last_position })
        .where('exception_id', '=', d.exceptionId as string)
        .where('last_position', '<', last_position)
        .execute();
      return;
    case 'DependencyDeclared': {
      const from = d.from as Record<string, string>;
      const to = d.to as Record<string, string>;
      await trx
        .insertInto('planning.dependency_board')
        .values({
          dependency_id: d.dependencyId as string,
          release_id: d.releaseId as string,
          from_team: from.team!,
          from_service: from.service ?? null,
          to_team: to.team!,
          to_service: to.service ?? null,
          kind: d.kind as string,
          owner: d.owner as string,
          blocking: d.blocking as boolean,
          status: d.status as string,
          updated_at: at,
          last_position,
        })
        .onConflict((oc) => oc.column('dependency_id').doNothing())
        .execute();
      return;
    }
    case 'DependencyStatusChanged':
      await trx
        .updateTable('planning.dependency_board')
        .set({ status: d.status as string, updated_at: at, last_position })
        .where('dependency_id', '=', d.dependencyId as string)
        .where('last_position', '<', last_position)
        .execute();
      return;
    case 'ComplianceRequirementAttached':
      await trx
        .insertInto('planning.compliance_status')
        .values({
          requirement_id: d.requirementId as string,
          release_id: d.releaseId as string,
          control: d.control as string,
          name: d.name as string,
          region: (d.region as string | undefined) ?? null,
          mandatory: d.mandatory as boolean,
          pending_evidence: 0,
          accepted_evidence: 0,
          rejected_evidence: 0,
          last_position,
        })
        .onConflict((oc) => oc.column('requirement_id').doNothing())
        .execute();
      return;
    case 'ComplianceEvidenceSubmitted':
      await trx
        .updateTable('planning.compliance_status')
        .set({ pending_evidence: sql`pending_evidence + 1`, last_position })
        .where('requirement_id', '=', d.requirementId as string)
        .where('last_position', '<', last_position)
        .execute();
      return;
    case 'ComplianceEvidenceReviewed': {
      const verdict = d.verdict === 'accepted' ? sql`accepted_evidence + 1` : sql`rejected_evidence + 1`;
      await trx
        .updateTable('planning.compliance_status')
        .set({
          pending_evidence: sql`pending_evidence - 1`,
          [d.verdict === 'accepted' ? 'accepted_evidence' : 'rejected_evidence']: verdict,
          last_position,
        })
        .where('requirement_id', '=', d.requirementId as string)
        .where('last_position', '<', last_position)
        .execute();
      return;
    }
  }
}

export const projectReleaseBoards: ProjectBatchFn = async (trx: Transaction<ReleaseBoardsDb>, events) => {
  for (const event of events) await apply(trx, event);
};

/** Empties the three tables before a rebuild. */
export async function resetReleaseBoards(trx: Transaction<ReleaseBoardsDb>): Promise<void> {
  await trx.deleteFrom('planning.freeze_exception_log').execute();
  await trx.deleteFrom('planning.dependency_board').execute();
  await trx.deleteFrom('planning.compliance_status').execute();
}

export const releaseBoardsProjection = {
  name: RELEASE_BOARDS,
  schema: 'planning',
  filter: releaseBoardsFilter,
  projectBatch: projectReleaseBoards,
  reset: resetReleaseBoards,
} as const;

export type ReleaseBoardsKysely = Kysely<ReleaseBoardsDb>;
