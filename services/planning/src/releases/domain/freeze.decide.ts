import {
  ErrorCodes,
  type ExceptionChange,
  invalid,
  notFound,
  PlanningErrorCodes,
  type ReleaseEvent,
  ruleViolated,
} from '@railyard/contracts';
import type { ReleaseState } from './release.js';
import { type Issued, PRE_FREEZE, planned, requireStatus } from './release-rules.js';
import { exceptionFor } from './scope.decide.js';

export type FreezeRelease = Issued & { type: 'FreezeRelease' };
export type SetFreezeCutoff = Issued & { type: 'SetFreezeCutoff'; cutoffAt: string };
/** The slot's times are computed from the train at the edge (trains are another aggregate) and passed in. */
export type AttachToSlot = Issued & {
  type: 'AttachToSlot';
  trainId: string;
  slotDate: string;
  shipsAt: string;
  cutoffAt: string;
};
export type RequestFreezeException = Issued & {
  type: 'RequestFreezeException';
  exceptionId: string;
  change: ExceptionChange;
  justification: string;
};
export type DecideFreezeException = Issued & {
  type: 'DecideFreezeException';
  exceptionId: string;
  decision: 'approved' | 'denied';
  reason?: string;
};
export type FreezeCommand =
  | FreezeRelease
  | SetFreezeCutoff
  | AttachToSlot
  | RequestFreezeException
  | DecideFreezeException;

/**
 * Code freeze: the accepted scope is fixed. Refused with nothing accepted, with proposals still undecided, or while
 * a blocking dependency is not ready — unless an approved exception names that dependency (spent here).
 */
export function freeze(command: FreezeRelease, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  if (release.status === 'frozen') {
    throw ruleViolated(ErrorCodes.PLANNING_ALREADY_FROZEN, `The release is already frozen since ${release.frozenAt}.`);
  }
  requireStatus(release, PRE_FREEZE, 'be frozen');
  const undecided = release.scope.filter((i) => i.state === 'proposed');
  if (undecided.length > 0) {
    throw ruleViolated(
      PlanningErrorCodes.SCOPE_UNDECIDED,
      `${undecided.length} proposed scope item(s) still await a product owner's decision.`,
      { itemIds: undecided.map((i) => i.id) },
    );
  }
  const accepted = release.scope.filter((i) => i.state === 'accepted');
  if (accepted.length === 0) {
    throw ruleViolated(ErrorCodes.PLANNING_SCOPE_EMPTY, 'A release with no accepted scope cannot be frozen.');
  }
  const blocking = release.dependencies.filter((d) => d.blocking && d.status !== 'ready');
  const used: ReleaseEvent[] = [];
  const uncovered: string[] = [];
  for (const dep of blocking) {
    const exception = exceptionFor(release, { action: 'freeze-with-open-dependency', dependencyId: dep.id });
    if (exception) {
      used.push({
        type: 'FreezeExceptionUsed',
        data: { releaseId: release.id, exceptionId: exception.id, dependencyId: dep.id },
      });
    } else uncovered.push(dep.id);
  }
  if (uncovered.length > 0) {
    throw ruleViolated(
      PlanningErrorCodes.DEPENDENCY_BLOCKING,
      `${uncovered.length} blocking dependency(ies) are not ready; make them ready or get an exception.`,
      { dependencyIds: uncovered },
    );
  }
  return [
    {
      type: 'ReleaseFrozen',
      data: { releaseId: release.id, frozenAt: command.at.toISOString(), scopeItemIds: accepted.map((i) => i.id) },
    },
    ...used,
  ];
}

export function setFreezeCutoff(command: SetFreezeCutoff, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, PRE_FREEZE, 'change its freeze cutoff');
  if (Date.parse(command.cutoffAt) <= command.at.getTime()) {
    throw invalid(PlanningErrorCodes.CUTOFF_PASSED, `The cutoff ${command.cutoffAt} is not in the future.`);
  }
  return [
    { type: 'FreezeCutoffSet', data: { releaseId: release.id, cutoffAt: command.cutoffAt, setBy: command.actor.id } },
  ];
}

export function attachToSlot(command: AttachToSlot, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, PRE_FREEZE, 'move to a train slot');
  if (Date.parse(command.cutoffAt) <= command.at.getTime()) {
    throw ruleViolated(PlanningErrorCodes.SLOT_CUTOFF_PASSED, `The slot's cutoff ${command.cutoffAt} has passed.`, {
      cutoffAt: command.cutoffAt,
    });
  }
  const { trainId, slotDate, shipsAt, cutoffAt } = command;
  return [{ type: 'ReleaseAttachedToSlot', data: { releaseId: release.id, trainId, slotDate, shipsAt, cutoffAt } }];
}

export function requestFreezeException(command: RequestFreezeException, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, ['draft', 'scoped', 'frozen'], 'take freeze exceptions');
  const { change } = command;
  if (change.action === 'remove-scope-item' && !release.scope.some((i) => i.id === change.itemId)) {
    throw notFound(ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND, `No scope item ${change.itemId} in this release.`);
  }
  if (
    change.action === 'freeze-with-open-dependency' &&
    !release.dependencies.some((d) => d.id === change.dependencyId)
  ) {
    throw notFound(PlanningErrorCodes.DEPENDENCY_NOT_FOUND, `No dependency ${change.dependencyId} in this release.`);
  }
  return [
    {
      type: 'FreezeExceptionRequested',
      data: {
        releaseId: release.id,
        exceptionId: command.exceptionId,
        change,
        justification: command.justification,
        requestedBy: command.actor.id,
      },
    },
  ];
}

/** Approve or deny (release manager or CAB member, checked at the edge); never the requester (separation of duties). */
export function decideFreezeException(command: DecideFreezeException, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  const exception = release.exceptions.find((x) => x.id === command.exceptionId);
  if (!exception) throw notFound(PlanningErrorCodes.EXCEPTION_NOT_FOUND, `No freeze exception ${command.exceptionId}.`);
  if (exception.status !== 'requested') {
    throw ruleViolated(PlanningErrorCodes.EXCEPTION_ALREADY_DECIDED, `The exception is already ${exception.status}.`, {
      status: exception.status,
    });
  }
  if (exception.requestedBy === command.actor.id) {
    throw ruleViolated(PlanningErrorCodes.EXCEPTION_SELF_APPROVAL, 'Whoever requested an exception cannot decide it.');
  }
  return [
    {
      type: 'FreezeExceptionDecided',
      data: {
        releaseId: release.id,
        exceptionId: exception.id,
        decision: command.decision,
        ...(command.reason ? { reason: command.reason } : {}),
        decidedBy: command.actor.id,
      },
    },
  ];
}
