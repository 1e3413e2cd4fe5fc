import { ErrorCodes, type ExceptionChange, PlanningErrorCodes, type ReleaseEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import {
  accepted,
  added,
  at,
  cab1,
  cmd,
  dep1,
  dependency,
  dependencyReady,
  dev,
  exc1,
  frozen,
  itemA,
  itemB,
  manager,
  planned,
  releaseId,
} from '../../test-support/release-history.js';
import { releaseDecider } from './release.decide.js';

const release = spec(releaseDecider);
const scoped = [planned, added(itemA, 'Fix refunds'), accepted(itemA)];
const freezeCmd = cmd({ type: 'FreezeRelease', actor: manager });
const hotfix: ExceptionChange = { action: 'add-scope-item', title: 'Hotfix', team: 'payments', kind: 'fix' };
const requested = (change: ExceptionChange = hotfix): ReleaseEvent => ({
  type: 'FreezeExceptionRequested',
  data: { releaseId, exceptionId: exc1, change, justification: 'prod bug', requestedBy: dev.id },
});
const approved: ReleaseEvent = {
  type: 'FreezeExceptionDecided',
  data: { releaseId, exceptionId: exc1, decision: 'approved', decidedBy: manager.id },
};
const addHotfix = (itemId = itemB) =>
  cmd({ type: 'AddScopeItem', actor: dev, itemId, title: 'Hotfix', team: 'payments', kind: 'fix' });

describe('code freeze (P4) and its exceptions', () => {
  describe('freezing', () => {
    it('is refused while a blocking dependency is open', () => {
      release
        .given([...scoped, dependency(dep1, 'payments', 'identity')])
        .when(freezeCmd)
        .thenThrows(PlanningErrorCodes.DEPENDENCY_BLOCKING);
    });
    it('goes ahead once the dependency is ready, or when it does not block', () => {
      const done = { type: 'ReleaseFrozen', data: { releaseId, frozenAt: at.toISOString(), scopeItemIds: [itemA] } };
      release
        .given([...scoped, dependency(dep1, 'payments', 'identity'), dependencyReady(dep1)])
        .when(freezeCmd)
        .then([done as ReleaseEvent]);
      release
        .given([...scoped, dependency(dep1, 'payments', 'identity', false)])
        .when(freezeCmd)
        .then([done as ReleaseEvent]);
    });
    it('goes ahead with an open blocking dependency when an approved exception names it, spending it', () => {
      release
        .given([
          ...scoped,
          dependency(dep1, 'payments', 'identity'),
          requested({ action: 'freeze-with-open-dependency', dependencyId: dep1 }),
          approved,
        ])
        .when(freezeCmd)
        .then([
          { type: 'ReleaseFrozen', data: { releaseId, frozenAt: at.toISOString(), scopeItemIds: [itemA] } },
          { type: 'FreezeExceptionUsed', data: { releaseId, exceptionId: exc1, dependencyId: dep1 } },
        ]);
    });
    it('leaves deferred items out of the frozen scope', () => {
      release
        .given([
          ...scoped,
          added(itemB, 'Later'),
          { type: 'ScopeItemDeferred', data: { releaseId, itemId: itemB, reason: 'next train', deferredBy: 'po-cy' } },
        ])
        .when(freezeCmd)
        .then([{ type: 'ReleaseFrozen', data: { releaseId, frozenAt: at.toISOString(), scopeItemIds: [itemA] } }]);
    });
  });

  describe('after the freeze', () => {
    const history = [...scoped, frozen];
    it('refuses a scope change without an exception', () => {
      release.given(history).when(addHotfix()).thenThrows(ErrorCodes.PLANNING_FREEZE_ACTIVE);
    });
    it('allows exactly the change an approved exception names, once', () => {
      const used = release
        .given([...history, requested(), approved])
        .when(addHotfix())
        .then([
          {
            type: 'ScopeItemAdded',
            data: { releaseId, itemId: itemB, title: 'Hotfix', team: 'payments', kind: 'fix', author: dev.id },
          },
          { type: 'FreezeExceptionUsed', data: { releaseId, exceptionId: exc1, itemId: itemB } },
        ]);
      release
        .given([...history, requested(), approved, ...used])
        .when(cmd({ type: 'AddScopeItem', actor: dev, itemId: dep1, title: 'Other', team: 'payments', kind: 'fix' }))
        .thenThrows(ErrorCodes.PLANNING_FREEZE_ACTIVE);
    });
    it('does not let an exception for one change allow another', () => {
      release
        .given([...history, requested(), approved])
        .when(cmd({ type: 'RemoveScopeItem', actor: manager, itemId: itemA }))
        .thenThrows(ErrorCodes.PLANNING_FREEZE_ACTIVE);
    });
    it('does not count a denied or undecided exception', () => {
      release
        .given([...history, requested()])
        .when(addHotfix())
        .thenThrows(ErrorCodes.PLANNING_FREEZE_ACTIVE);
    });
  });

  describe('after the cutoff, before the freeze', () => {
    const cutoff: ReleaseEvent = {
      type: 'FreezeCutoffSet',
      data: { releaseId, cutoffAt: '2026-11-26T00:00:00.000Z', setBy: manager.id },
    };
    it('refuses a scope change without an exception', () => {
      release
        .given([...scoped, cutoff])
        .when(addHotfix())
        .thenThrows(PlanningErrorCodes.CUTOFF_PASSED);
    });
    it('allows it before the cutoff', () => {
      release
        .given([...scoped, cutoff])
        .when({ ...addHotfix(), at: new Date('2026-11-25T23:00:00Z') })
        .then([
          {
            type: 'ScopeItemAdded',
            data: { releaseId, itemId: itemB, title: 'Hotfix', team: 'payments', kind: 'fix', author: dev.id },
          },
        ]);
    });
    it('takes its cutoff from a train slot, or sets its own', () => {
      const slot = {
        trainId: exc1,
        slotDate: '2026-12-08',
        shipsAt: '2026-12-08T09:00:00.000Z',
        cutoffAt: '2026-12-06T09:00:00.000Z',
      };
      release
        .given(scoped)
        .when(cmd({ type: 'AttachToSlot', actor: manager, ...slot }))
        .then([{ type: 'ReleaseAttachedToSlot', data: { releaseId, ...slot } }]);
      release
        .given(scoped)
        .when(cmd({ type: 'SetFreezeCutoff', actor: manager, cutoffAt: '2026-12-01T17:00:00.000Z' }))
        .then([
          { type: 'FreezeCutoffSet', data: { releaseId, cutoffAt: '2026-12-01T17:00:00.000Z', setBy: manager.id } },
        ]);
    });
    it('refuses a cutoff in the past, and a slot whose cutoff has passed', () => {
      release
        .given(scoped)
        .when(cmd({ type: 'SetFreezeCutoff', actor: manager, cutoffAt: '2026-11-26T09:00:00.000Z' }))
        .thenThrows(PlanningErrorCodes.CUTOFF_PASSED);
      release
        .given(scoped)
        .when(
          cmd({
            type: 'AttachToSlot',
            actor: manager,
            trainId: exc1,
            slotDate: '2026-11-27',
            shipsAt: '2026-11-27T09:00:00Z',
            cutoffAt: '2026-11-25T09:00:00Z',
          }),
        )
        .thenThrows(PlanningErrorCodes.SLOT_CUTOFF_PASSED);
    });
  });

  describe('deciding an exception', () => {
    const history = [...scoped, frozen, requested()];
    it('is refused to its requester', () => {
      release
        .given(history)
        .when(cmd({ type: 'DecideFreezeException', actor: dev, exceptionId: exc1, decision: 'approved' }))
        .thenThrows(PlanningErrorCodes.EXCEPTION_SELF_APPROVAL);
    });
    it('is recorded with who decided', () => {
      release
        .given(history)
        .when(
          cmd({ type: 'DecideFreezeException', actor: cab1, exceptionId: exc1, decision: 'denied', reason: 'wait' }),
        )
        .then([
          {
            type: 'FreezeExceptionDecided',
            data: { releaseId, exceptionId: exc1, decision: 'denied', reason: 'wait', decidedBy: cab1.id },
          },
        ]);
    });
    it('happens once', () => {
      release
        .given([...history, approved])
        .when(cmd({ type: 'DecideFreezeException', actor: cab1, exceptionId: exc1, decision: 'denied' }))
        .thenThrows(PlanningErrorCodes.EXCEPTION_ALREADY_DECIDED);
    });
    it('must name an exception that exists', () => {
      release
        .given(scoped)
        .when(cmd({ type: 'DecideFreezeException', actor: cab1, exceptionId: exc1, decision: 'denied' }))
        .thenThrows(PlanningErrorCodes.EXCEPTION_NOT_FOUND);
    });
  });
});
