import {
  type Actor,
  ErrorCodes,
  invalid,
  notFound,
  type ReleaseEvent,
  ruleViolated,
  type ScopeItemKind,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { evolveRelease, initialReleaseState, type PlannedRelease, type ReleaseState } from './release.js';

/** What every release command carries besides its own fields: who asks, and when (never read from a clock here). */
interface Issued {
  actor: Actor;
  at: Date;
}

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
};
export type RemoveScopeItem = Issued & { type: 'RemoveScopeItem'; itemId: string; reason?: string };
export type FreezeRelease = Issued & { type: 'FreezeRelease' };

export type ReleaseCommand = PlanRelease | AddScopeItem | RemoveScopeItem | FreezeRelease;

function planned(state: ReleaseState): PlannedRelease {
  if (!state.exists) throw notFound(ErrorCodes.PLANNING_RELEASE_NOT_FOUND, 'No release with this id.');
  return state;
}

function notFrozen(release: PlannedRelease, what: string): void {
  if (release.status === 'frozen') {
    throw ruleViolated(
      ErrorCodes.PLANNING_FREEZE_ACTIVE,
      `The release is frozen since ${release.frozenAt}: ${what} is not allowed.`,
      {
        frozenAt: release.frozenAt,
      },
    );
  }
}

function plan(command: PlanRelease, state: ReleaseState): ReleaseEvent[] {
  if (state.exists) throw ruleViolated(ErrorCodes.PLANNING_RELEASE_EXISTS, 'A release with this id already exists.');
  // A target date compares as a calendar day (UTC): today is allowed, yesterday is not.
  if (command.targetDate < command.at.toISOString().slice(0, 10)) {
    throw invalid(ErrorCodes.PLANNING_TARGET_DATE_PAST, `The target date ${command.targetDate} is in the past.`);
  }
  return [
    {
      type: 'ReleasePlanned',
      data: {
        releaseId: command.releaseId,
        name: command.name,
        targetDate: command.targetDate,
        ...(command.trainId ? { trainId: command.trainId } : {}),
        owner: command.actor.id,
      },
    },
  ];
}

function addScopeItem(command: AddScopeItem, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  notFrozen(release, 'adding scope');
  // Features trace back to the roadmap they deliver (M1: scope aligned with business roadmaps).
  if (command.kind === 'feature' && !command.roadmapRef) {
    throw invalid(
      ErrorCodes.PLANNING_ROADMAP_REF_REQUIRED,
      'A feature needs a roadmapRef naming the roadmap item it delivers.',
    );
  }
  const duplicate = release.scope.find(
    (item) => item.team === command.team && item.title.toLowerCase() === command.title.toLowerCase(),
  );
  if (duplicate) {
    throw ruleViolated(
      ErrorCodes.PLANNING_SCOPE_ITEM_DUPLICATE,
      `Team ${command.team} already has "${duplicate.title}" in scope.`,
      {
        itemId: duplicate.id,
      },
    );
  }
  return [
    {
      type: 'ScopeItemAdded',
      data: {
        releaseId: release.id,
        itemId: command.itemId,
        title: command.title,
        team: command.team,
        kind: command.kind,
        ...(command.roadmapRef ? { roadmapRef: command.roadmapRef } : {}),
        author: command.actor.id,
      },
    },
  ];
}

function removeScopeItem(command: RemoveScopeItem, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  notFrozen(release, 'removing scope');
  if (!release.scope.some((item) => item.id === command.itemId)) {
    throw notFound(ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND, `No scope item ${command.itemId} in this release.`);
  }
  return [
    {
      type: 'ScopeItemRemoved',
      data: { releaseId: release.id, itemId: command.itemId, ...(command.reason ? { reason: command.reason } : {}) },
    },
  ];
}

function freeze(command: FreezeRelease, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  if (release.status === 'frozen') {
    throw ruleViolated(ErrorCodes.PLANNING_ALREADY_FROZEN, `The release is already frozen since ${release.frozenAt}.`);
  }
  if (release.scope.length === 0) {
    throw ruleViolated(ErrorCodes.PLANNING_SCOPE_EMPTY, 'A release with no scope cannot be frozen.');
  }
  return [
    {
      type: 'ReleaseFrozen',
      data: { releaseId: release.id, frozenAt: command.at.toISOString(), scopeItemIds: release.scope.map((i) => i.id) },
    },
  ];
}

/** The release decider: one small pure function per command. */
export const releaseDecider: Decider<ReleaseCommand, ReleaseEvent, ReleaseState> = {
  initialState: initialReleaseState,
  evolve: evolveRelease,
  decide(command, state) {
    switch (command.type) {
      case 'PlanRelease':
        return plan(command, state);
      case 'AddScopeItem':
        return addScopeItem(command, state);
      case 'RemoveScopeItem':
        return removeScopeItem(command, state);
      case 'FreezeRelease':
        return freeze(command, state);
    }
  },
};
