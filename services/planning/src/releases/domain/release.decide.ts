import type { ReleaseEvent } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { acknowledgeCondition, type CabCommand, castCabVote, submitForCab } from './cab.decide.js';
import { attachRequirement, type ComplianceCommand, reviewEvidence, submitEvidence } from './compliance.decide.js';
import { changeDependencyStatus, type DependencyCommand, declareDependency } from './dependencies.decide.js';
import {
  attachToSlot,
  decideFreezeException,
  type FreezeCommand,
  freeze,
  requestFreezeException,
  setFreezeCutoff,
} from './freeze.decide.js';
import { cancel, type LifecycleCommand, markReleased, rollBack, startDeployment } from './lifecycle.decide.js';
import { evolveRelease, initialReleaseState, type ReleaseState } from './release.js';
import { type PublishRollbackCriteria, publishRollbackCriteria } from './rollback-criteria.decide.js';
import {
  acceptScopeItem,
  addScopeItem,
  deferScopeItem,
  plan,
  removeScopeItem,
  type ScopeCommand,
} from './scope.decide.js';

export type { CabCommand } from './cab.decide.js';
export type { ComplianceCommand } from './compliance.decide.js';
export type { DependencyCommand } from './dependencies.decide.js';
export type { FreezeCommand } from './freeze.decide.js';
export type { LifecycleCommand } from './lifecycle.decide.js';
export type { ScopeCommand } from './scope.decide.js';

export type ReleaseCommand =
  | ScopeCommand
  | FreezeCommand
  | DependencyCommand
  | ComplianceCommand
  | PublishRollbackCriteria
  | CabCommand
  | LifecycleCommand;

/** The release decider: one small pure function per command, grouped by capability (P1–P6). */
export const releaseDecider: Decider<ReleaseCommand, ReleaseEvent, ReleaseState> = {
  initialState: initialReleaseState,
  evolve: evolveRelease,
  decide(command, state) {
    switch (command.type) {
      case 'PlanRelease':
        return plan(command, state);
      case 'AddScopeItem':
        return addScopeItem(command, state);
      case 'AcceptScopeItem':
        return acceptScopeItem(command, state);
      case 'DeferScopeItem':
        return deferScopeItem(command, state);
      case 'RemoveScopeItem':
        return removeScopeItem(command, state);
      case 'FreezeRelease':
        return freeze(command, state);
      case 'SetFreezeCutoff':
        return setFreezeCutoff(command, state);
      case 'AttachToSlot':
        return attachToSlot(command, state);
      case 'RequestFreezeException':
        return requestFreezeException(command, state);
      case 'DecideFreezeException':
        return decideFreezeException(command, state);
      case 'DeclareDependency':
        return declareDependency(command, state);
      case 'ChangeDependencyStatus':
        return changeDependencyStatus(command, state);
      case 'AttachRequirement':
        return attachRequirement(command, state);
      case 'SubmitEvidence':
        return submitEvidence(command, state);
      case 'ReviewEvidence':
        return reviewEvidence(command, state);
      case 'PublishRollbackCriteria':
        return publishRollbackCriteria(command, state);
      case 'SubmitForCab':
        return submitForCab(command, state);
      case 'CastCabVote':
        return castCabVote(command, state);
      case 'AcknowledgeCondition':
        return acknowledgeCondition(command, state);
      case 'StartDeployment':
        return startDeployment(command, state);
      case 'MarkReleased':
        return markReleased(command, state);
      case 'RollBackRelease':
        return rollBack(command, state);
      case 'CancelRelease':
        return cancel(command, state);
    }
  },
};
