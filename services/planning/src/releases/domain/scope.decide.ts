import {
  type Criticality,
  ErrorCodes,
  type ExceptionChange,
  invalid,
  notFound,
  PlanningErrorCodes,
  type ReleaseEvent,
  ruleViolated,
  type ScopeItemKind,
} from '@railyard/contracts';
import type { FreezeException, PlannedRelease, ReleaseState } from './release.js';
import { type Issued, PRE_FREEZE, planned, requireStatus, scopeLocked } from './release-rules.js';

export type PlanRelease = Issued & {
  type: 'PlanRelease';
  releaseId: string;
  name: string;
  targetDate: string;
  trainId?: string;
};
export type AddScopeItem = Issued & {
  type: 'AddScopeItem';
  itemId: string;
  title: string;
  team: string;
  kind: ScopeItemKind;
  roadmapRef?: string;
  service?: string;
  criticality?: Criticality;
  /** The member teams of the release's train, read from the train at the edge (absent: not on a train). */
  trainTeams?: readonly string[];
};
export type AcceptScopeItem = Issued & { type: 'AcceptScopeItem'; itemId: string };
export type DeferScopeItem = Issued & { type: 'DeferScopeItem'; itemId: string; reason: string };
export type RemoveScopeItem = Issued & { type: 'RemoveScopeItem'; itemId: string; reason?: string };
export type ScopeCommand = PlanRelease | AddScopeItem | AcceptScopeItem | DeferScopeItem | RemoveScopeItem;

export function plan(command: PlanRelease, state: ReleaseState): ReleaseEvent[] {
  if (state.exists) throw ruleViolated(ErrorCodes.PLANNING_RELEASE_EXISTS, 'A release with this id already exists.');
  // A target date compares as a calendar day (UTC): today is allowed, yesterday is not.
  if (command.targetDate < command.at.toISOString().slice(0, 10)) {
    throw invalid(ErrorCodes.PLANNING_TARGET_DATE_PAST, `The target date ${command.targetDate} is in the past.`);
  }
  const { releaseId, name, targetDate, trainId } = command;
  return [
    {
      type: 'ReleasePlanned',
      data: { releaseId, name, targetDate, ...(trainId ? { trainId } : {}), owner: command.actor.id },
    },
  ];
}

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The approved, unspent exception that names exactly this change, if any (P4: it allows that change once). */
export function exceptionFor(release: PlannedRelease, change: ExceptionChange): FreezeException | undefined {
  return release.exceptions.find((x) => {
    if (x.status !== 'approved' || x.change.action !== change.action) return false;
    if (x.change.action === 'add-scope-item' && change.action === 'add-scope-item') {
      return (
        sameText(x.change.title, change.title) && sameText(x.change.team, change.team) && x.change.kind === change.kind
      );
    }
    if (x.change.action === 'remove-scope-item' && change.action === 'remove-scope-item') {
      return x.change.itemId === change.itemId;
    }
    if (x.change.action === 'freeze-with-open-dependency' && change.action === 'freeze-with-open-dependency') {
      return x.change.dependencyId === change.dependencyId;
    }
    return false;
  });
}

/** After the freeze or the cutoff, a scope change goes through only with its exception; else 409. */
function lockedChange(release: PlannedRelease, at: Date, change: ExceptionChange): FreezeException | undefined {
  requireStatus(release, ['draft', 'scoped', 'frozen'], 'change scope');
  if (!scopeLocked(release, at)) return undefined;
  const exception = exceptionFor(release, change);
  if (exception) return exception;
  const details = { change, hint: 'request a freeze exception naming this change' };
  if (release.status === 'frozen') {
    throw ruleViolated(
      ErrorCodes.PLANNING_FREEZE_ACTIVE,
      `The release is frozen since ${release.frozenAt}: this scope change needs an approved exception.`,
      { frozenAt: release.frozenAt, ...details },
    );
  }
  throw ruleViolated(
    PlanningErrorCodes.CUTOFF_PASSED,
    `The freeze cutoff ${release.freezeCutoff} has passed: this scope change needs an approved exception.`,
    { cutoffAt: release.freezeCutoff, ...details },
  );
}

export function addScopeItem(command: AddScopeItem, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  const exception = lockedChange(release, command.at, {
    action: 'add-scope-item',
    title: command.title,
    team: command.team,
    kind: command.kind,
  });
  // Features trace back to the roadmap they deliver (M1: scope aligned with business roadmaps).
  if (command.kind === 'feature' && !command.roadmapRef) {
    throw invalid(
      ErrorCodes.PLANNING_ROADMAP_REF_REQUIRED,
      'A feature needs a roadmapRef naming the roadmap item it delivers.',
    );
  }
  // Only the train's member teams ride it (P2).
  if (command.trainTeams && !command.trainTeams.some((t) => sameText(t, command.team))) {
    throw ruleViolated(
      PlanningErrorCodes.TRAIN_TEAM_NOT_MEMBER,
      `Team ${command.team} is not on this release's train.`,
      {
        trainId: release.trainId,
        teams: command.trainTeams,
      },
    );
  }
  const duplicate = release.scope.find((item) => item.team === command.team && sameText(item.title, command.title));
  if (duplicate) {
    throw ruleViolated(
      ErrorCodes.PLANNING_SCOPE_ITEM_DUPLICATE,
      `Team ${command.team} already has "${duplicate.title}" in scope.`,
      { itemId: duplicate.id },
    );
  }
  const { itemId, title, team, kind, roadmapRef, service, criticality } = command;
  const added: ReleaseEvent = {
    type: 'ScopeItemAdded',
    data: {
      releaseId: release.id,
      itemId,
      title,
      team,
      kind,
      ...(roadmapRef ? { roadmapRef } : {}),
      ...(service ? { service } : {}),
      ...(criticality ? { criticality } : {}),
      author: command.actor.id,
    },
  };
  if (!exception) return [added];
  return [added, { type: 'FreezeExceptionUsed', data: { releaseId: release.id, exceptionId: exception.id, itemId } }];
}

function proposedItem(release: PlannedRelease, itemId: string) {
  const item = release.scope.find((i) => i.id === itemId);
  if (!item) throw notFound(ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND, `No scope item ${itemId} in this release.`);
  if (item.state !== 'proposed') {
    throw ruleViolated(PlanningErrorCodes.SCOPE_ITEM_NOT_PROPOSED, `Scope item ${itemId} is already ${item.state}.`, {
      state: item.state,
    });
  }
  return item;
}

/** A product owner settles a proposal (the role is checked at the edge); decisions close at the freeze. */
export function acceptScopeItem(command: AcceptScopeItem, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, PRE_FREEZE, 'accept scope');
  proposedItem(release, command.itemId);
  return [
    {
      type: 'ScopeItemAccepted',
      data: { releaseId: release.id, itemId: command.itemId, acceptedBy: command.actor.id },
    },
  ];
}

export function deferScopeItem(command: DeferScopeItem, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, PRE_FREEZE, 'defer scope');
  proposedItem(release, command.itemId);
  return [
    {
      type: 'ScopeItemDeferred',
      data: { releaseId: release.id, itemId: command.itemId, reason: command.reason, deferredBy: command.actor.id },
    },
  ];
}

export function removeScopeItem(command: RemoveScopeItem, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  const exception = lockedChange(release, command.at, { action: 'remove-scope-item', itemId: command.itemId });
  if (!release.scope.some((item) => item.id === command.itemId)) {
    throw notFound(ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND, `No scope item ${command.itemId} in this release.`);
  }
  const removed: ReleaseEvent = {
    type: 'ScopeItemRemoved',
    data: { releaseId: release.id, itemId: command.itemId, ...(command.reason ? { reason: command.reason } : {}) },
  };
  if (!exception) return [removed];
  return [
    removed,
    { type: 'FreezeExceptionUsed', data: { releaseId: release.id, exceptionId: exception.id, itemId: command.itemId } },
  ];
}
