import { type Actor, ErrorCodes, type ReleaseEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { type ReleaseCommand, releaseDecider } from './release.decide.js';

const manager: Actor = { id: 'rm-ana', kind: 'user', roles: ['release-manager'] };
const dev: Actor = { id: 'dev-bo', kind: 'user', roles: ['developer'] };
const at = new Date('2026-11-26T09:30:00Z');
const releaseId = '0193a000-0000-7000-8000-000000000001';
const itemA = '0193a000-0000-7000-8000-0000000000a1';
const itemB = '0193a000-0000-7000-8000-0000000000b2';

const planned: ReleaseEvent = {
  type: 'ReleasePlanned',
  data: { releaseId, name: '2026.12', targetDate: '2026-12-10', owner: manager.id },
};
const added = (itemId: string, title: string): ReleaseEvent => ({
  type: 'ScopeItemAdded',
  data: { releaseId, itemId, title, team: 'payments', kind: 'fix', author: dev.id },
});
const frozen: ReleaseEvent = {
  type: 'ReleaseFrozen',
  data: { releaseId, frozenAt: '2026-11-25T18:00:00.000Z', scopeItemIds: [itemA] },
};

const release = spec(releaseDecider);
type WithoutAt<C> = C extends unknown ? Omit<C, 'at'> & { at?: Date } : never;
const cmd = (c: WithoutAt<ReleaseCommand>): ReleaseCommand => ({ at, ...c }) as ReleaseCommand;

describe('release decider', () => {
  describe('when no release exists', () => {
    it('plans a release owned by whoever planned it', () => {
      release
        .when(cmd({ type: 'PlanRelease', actor: manager, releaseId, name: '2026.12', targetDate: '2026-12-10' }))
        .then([planned]);
    });
    it('keeps the train when one is given', () => {
      const trainId = '0193a000-0000-7000-8000-0000000000c1';
      release
        .when(cmd({ type: 'PlanRelease', actor: manager, releaseId, name: 'x', targetDate: '2026-11-26', trainId }))
        .then([
          {
            type: 'ReleasePlanned',
            data: { releaseId, name: 'x', targetDate: '2026-11-26', trainId, owner: manager.id },
          },
        ]);
    });
    it('refuses a target date in the past', () => {
      release
        .when(cmd({ type: 'PlanRelease', actor: manager, releaseId, name: 'x', targetDate: '2026-11-25' }))
        .thenThrows(ErrorCodes.PLANNING_TARGET_DATE_PAST);
    });
    it('cannot scope or freeze a release that does not exist', () => {
      release
        .when(cmd({ type: 'AddScopeItem', actor: dev, itemId: itemA, title: 't', team: 'x', kind: 'fix' }))
        .thenThrows(ErrorCodes.PLANNING_RELEASE_NOT_FOUND);
      release.when(cmd({ type: 'FreezeRelease', actor: manager })).thenThrows(ErrorCodes.PLANNING_RELEASE_NOT_FOUND);
    });
  });

  describe('when draft', () => {
    it('refuses to plan the same release twice', () => {
      release
        .given([planned])
        .when(cmd({ type: 'PlanRelease', actor: manager, releaseId, name: 'again', targetDate: '2026-12-10' }))
        .thenThrows(ErrorCodes.PLANNING_RELEASE_EXISTS);
    });
    it('adds a scope item authored by the actor', () => {
      release
        .given([planned])
        .when(
          cmd({ type: 'AddScopeItem', actor: dev, itemId: itemA, title: 'Fix refunds', team: 'payments', kind: 'fix' }),
        )
        .then([added(itemA, 'Fix refunds')]);
    });
    it('requires a roadmap reference for a feature', () => {
      release
        .given([planned])
        .when(
          cmd({ type: 'AddScopeItem', actor: dev, itemId: itemA, title: 'New checkout', team: 'web', kind: 'feature' }),
        )
        .thenThrows(ErrorCodes.PLANNING_ROADMAP_REF_REQUIRED);
    });
    it('refuses to freeze an empty release', () => {
      release
        .given([planned])
        .when(cmd({ type: 'FreezeRelease', actor: manager }))
        .thenThrows(ErrorCodes.PLANNING_SCOPE_EMPTY);
    });
  });

  describe('when scoped', () => {
    const history = [planned, added(itemA, 'Fix refunds')];
    it('refuses the same title twice for one team, whatever the case', () => {
      release
        .given(history)
        .when(
          cmd({ type: 'AddScopeItem', actor: dev, itemId: itemB, title: 'FIX REFUNDS', team: 'payments', kind: 'fix' }),
        )
        .thenThrows(ErrorCodes.PLANNING_SCOPE_ITEM_DUPLICATE);
    });
    it('removes an item, with the reason on the record', () => {
      release
        .given(history)
        .when(cmd({ type: 'RemoveScopeItem', actor: manager, itemId: itemA, reason: 'not ready' }))
        .then([{ type: 'ScopeItemRemoved', data: { releaseId, itemId: itemA, reason: 'not ready' } }]);
    });
    it('refuses to remove an item that is not in scope', () => {
      release
        .given(history)
        .when(cmd({ type: 'RemoveScopeItem', actor: manager, itemId: itemB }))
        .thenThrows(ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND);
    });
    it('freezes with the scope it has at that moment', () => {
      release
        .given([...history, added(itemB, 'Faster search')])
        .when(cmd({ type: 'FreezeRelease', actor: manager }))
        .then([
          { type: 'ReleaseFrozen', data: { releaseId, frozenAt: at.toISOString(), scopeItemIds: [itemA, itemB] } },
        ]);
    });
    it('goes back to draft when its last item is removed, so it cannot be frozen empty', () => {
      release
        .given([...history, { type: 'ScopeItemRemoved', data: { releaseId, itemId: itemA } }])
        .when(cmd({ type: 'FreezeRelease', actor: manager }))
        .thenThrows(ErrorCodes.PLANNING_SCOPE_EMPTY);
    });
  });

  describe('when frozen', () => {
    const history = [planned, added(itemA, 'Fix refunds'), frozen];
    it('refuses new scope', () => {
      release
        .given(history)
        .when(cmd({ type: 'AddScopeItem', actor: dev, itemId: itemB, title: 'Late', team: 'payments', kind: 'fix' }))
        .thenThrows(ErrorCodes.PLANNING_FREEZE_ACTIVE);
    });
    it('refuses to remove scope', () => {
      release
        .given(history)
        .when(cmd({ type: 'RemoveScopeItem', actor: manager, itemId: itemA }))
        .thenThrows(ErrorCodes.PLANNING_FREEZE_ACTIVE);
    });
    it('refuses a second freeze', () => {
      release
        .given(history)
        .when(cmd({ type: 'FreezeRelease', actor: manager }))
        .thenThrows(ErrorCodes.PLANNING_ALREADY_FROZEN);
    });
  });
});
