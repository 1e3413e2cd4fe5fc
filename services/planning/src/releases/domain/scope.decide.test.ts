import { type Actor, ErrorCodes, PlanningErrorCodes, type ReleaseEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
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
const accepted = (itemId: string): ReleaseEvent => ({
  type: 'ScopeItemAccepted',
  data: { releaseId, itemId, acceptedBy: 'po-cy' },
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
    it('refuses to freeze while a proposal awaits its product owner', () => {
      release
        .given(history)
        .when(cmd({ type: 'FreezeRelease', actor: manager }))
        .thenThrows(PlanningErrorCodes.SCOPE_UNDECIDED);
    });
    it('freezes with the accepted scope it has at that moment', () => {
      release
        .given([...history, accepted(itemA), added(itemB, 'Faster search'), accepted(itemB)])
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
    const history = [planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen];
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

  describe('negotiating scope (P1)', () => {
    const history = [planned, added(itemA, 'Fix refunds')];
    const po: Actor = { id: 'po-cy', kind: 'user', roles: ['product-owner'] };
    it('accepts a proposal, which makes the release scoped', () => {
      const spec = release.given(history).when(cmd({ type: 'AcceptScopeItem', actor: po, itemId: itemA }));
      spec.then([accepted(itemA)]);
    });
    it('defers a proposal with its reason', () => {
      release
        .given(history)
        .when(cmd({ type: 'DeferScopeItem', actor: po, itemId: itemA, reason: 'next train' }))
        .then([
          { type: 'ScopeItemDeferred', data: { releaseId, itemId: itemA, reason: 'next train', deferredBy: 'po-cy' } },
        ]);
    });
    it('decides each proposal once', () => {
      release
        .given([...history, accepted(itemA)])
        .when(cmd({ type: 'DeferScopeItem', actor: po, itemId: itemA, reason: 'x' }))
        .thenThrows(PlanningErrorCodes.SCOPE_ITEM_NOT_PROPOSED);
    });
    it('closes the negotiation at the freeze', () => {
      release
        .given([...history, accepted(itemA), added(itemB, 'Late'), frozen])
        .when(cmd({ type: 'AcceptScopeItem', actor: po, itemId: itemB }))
        .thenThrows(ErrorCodes.PLANNING_FREEZE_ACTIVE);
    });
    it('answers not found for an unknown item', () => {
      release
        .given(history)
        .when(cmd({ type: 'AcceptScopeItem', actor: po, itemId: itemB }))
        .thenThrows(ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND);
    });
  });

  describe('on a train', () => {
    it('takes scope only from the train’s member teams', () => {
      const propose = (team: string) =>
        cmd({
          type: 'AddScopeItem',
          actor: dev,
          itemId: itemA,
          title: 'T',
          team,
          kind: 'fix',
          trainTeams: ['Payments'],
        });
      const onTrain: ReleaseEvent = {
        type: 'ReleasePlanned',
        data: { releaseId, name: 'x', targetDate: '2026-12-10', trainId: itemB, owner: manager.id },
      };
      release.given([onTrain]).when(propose('search')).thenThrows(PlanningErrorCodes.TRAIN_TEAM_NOT_MEMBER);
      release
        .given([onTrain])
        .when(propose('payments'))
        .then([
          {
            type: 'ScopeItemAdded',
            data: { releaseId, itemId: itemA, title: 'T', team: 'payments', kind: 'fix', author: dev.id },
          },
        ]);
    });
  });

  describe('a stream from before scope negotiation', () => {
    it('counts the items its freeze fixed as accepted', () => {
      const state = [planned, added(itemA, 'Fix refunds'), frozen].reduce(
        releaseDecider.evolve,
        releaseDecider.initialState,
      );
      expect(state.exists && state.scope.map((i) => i.state)).toEqual(['accepted']);
    });
  });
});
