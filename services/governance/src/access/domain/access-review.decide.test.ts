import { type AccessReviewEvent, type AccessReviewItem, GovernanceErrorCodes as Codes } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { accessReviewDecider, reviewerOf } from './access-review.decide.js';

const campaignId = '0193a000-0000-7000-8000-0000000000c1';
const g1 = '0193a000-0000-7000-8000-0000000000a1';
const g2 = '0193a000-0000-7000-8000-0000000000a2';
const g3 = '0193a000-0000-7000-8000-0000000000a3';
const openedAt = new Date('2026-11-02T09:00:00Z');
const dueAt = new Date('2026-11-30T09:00:00Z');
const before = new Date('2026-11-10T09:00:00Z');
const after = new Date('2026-11-30T09:00:01Z');
const item = (grantId: string, principal: string, reviewer: string): AccessReviewItem => ({
  grantId,
  principal,
  privilege: 'deploy',
  scope: { environment: 'checkout-prod' },
  issuedBy: reviewer,
  expiresAt: null,
  reviewer,
});
const items = [item(g1, 'alice', 'admin-1'), item(g2, 'bob', 'admin-1'), item(g3, 'carol', 'admin-2')];
const open = {
  type: 'OpenAccessReview' as const,
  campaignId,
  name: 'Q4',
  scope: { privileges: ['deploy' as const] },
  dueAt,
  reviewer: 'issuer' as const,
  onNoDecision: 'revoke' as const,
  items,
  actor: 'auditor-1',
  at: openedAt,
};
const opened = (onNoDecision: 'revoke' | 'keep' = 'revoke'): AccessReviewEvent => ({
  type: 'AccessReviewOpened',
  data: {
    campaignId,
    name: 'Q4',
    scope: { privileges: ['deploy'] },
    dueAt: dueAt.toISOString(),
    reviewer: 'issuer',
    onNoDecision,
    items,
    openedBy: 'auditor-1',
    openedAt: openedAt.toISOString(),
  },
});
const decided = (grantId: string, decision: 'keep' | 'revoke', by: string): AccessReviewEvent => ({
  type: 'AccessReviewItemDecided',
  data: { campaignId, grantId, decision, justification: 'why', decidedBy: by, decidedAt: before.toISOString() },
});
const decide = (grantId: string, actor: string, at = before) => ({
  type: 'DecideReviewItem' as const,
  grantId,
  decision: 'keep' as const,
  justification: 'why',
  actor,
  at,
});
const close = { type: 'CloseAccessReview' as const, actor: 'governance', at: after };

describe('access review decider', () => {
  it('names the reviewer by the rule', () => {
    if (reviewerOf('issuer', { issuedBy: 'x' }) !== 'x') throw new Error('issuer rule');
    if (reviewerOf({ principal: 'y' }, { issuedBy: 'x' }) !== 'y') throw new Error('named rule');
  });
  describe('when none exists', () => {
    it('opens with its snapshot of items', () => {
      spec(accessReviewDecider).when(open).then([opened()]);
    });
    it('refuses a due date already past', () => {
      spec(accessReviewDecider)
        .when({ ...open, dueAt: openedAt })
        .thenThrows(Codes.ACCESS_REVIEW_DUE_PAST);
    });
    it('has nothing to decide or close', () => {
      spec(accessReviewDecider).when(decide(g1, 'admin-1')).thenThrows(Codes.ACCESS_REVIEW_NOT_FOUND);
      spec(accessReviewDecider).when(close).thenThrows(Codes.ACCESS_REVIEW_NOT_FOUND);
    });
  });
  describe('when open', () => {
    it("records the item's reviewer's decision", () => {
      spec(accessReviewDecider)
        .given([opened()])
        .when(decide(g1, 'admin-1'))
        .then([decided(g1, 'keep', 'admin-1')]);
    });
    it('refuses anyone but the reviewer, a second decision, an unknown item, and a decision at the due date', () => {
      spec(accessReviewDecider)
        .given([opened()])
        .when(decide(g3, 'admin-1'))
        .thenThrows(Codes.ACCESS_REVIEW_NOT_REVIEWER);
      spec(accessReviewDecider)
        .given([opened(), decided(g1, 'keep', 'admin-1')])
        .when(decide(g1, 'admin-1'))
        .thenThrows(Codes.ACCESS_REVIEW_ALREADY_DECIDED);
      spec(accessReviewDecider)
        .given([opened()])
        .when(decide(campaignId, 'admin-1'))
        .thenThrows(Codes.ACCESS_REVIEW_ITEM_UNKNOWN);
      spec(accessReviewDecider)
        .given([opened()])
        .when(decide(g1, 'admin-1', dueAt))
        .thenThrows(Codes.ACCESS_REVIEW_PAST_DUE);
    });
    it('does not close before its due date', () => {
      spec(accessReviewDecider)
        .given([opened()])
        .when({ ...close, at: before })
        .thenThrows(Codes.ACCESS_REVIEW_NOT_DUE);
    });
  });
  describe('when due', () => {
    it('closes: revoke decisions and undecided items revoked under onNoDecision=revoke', () => {
      spec(accessReviewDecider)
        .given([opened(), decided(g1, 'keep', 'admin-1'), decided(g3, 'revoke', 'admin-2')])
        .when(close)
        .then([
          {
            type: 'AccessReviewClosed',
            data: {
              campaignId,
              closedBy: 'governance',
              closedAt: after.toISOString(),
              tally: { kept: 1, revoked: 1, undecidedKept: 0, undecidedRevoked: 1 },
              revokedGrantIds: [g2, g3],
            },
          },
        ]);
    });
    it('keeps undecided items under onNoDecision=keep', () => {
      spec(accessReviewDecider)
        .given([opened('keep')])
        .when(close)
        .then([
          {
            type: 'AccessReviewClosed',
            data: {
              campaignId,
              closedBy: 'governance',
              closedAt: after.toISOString(),
              tally: { kept: 0, revoked: 0, undecidedKept: 3, undecidedRevoked: 0 },
              revokedGrantIds: [],
            },
          },
        ]);
    });
  });
  describe('when closed', () => {
    const closedEvent: AccessReviewEvent = {
      type: 'AccessReviewClosed',
      data: {
        campaignId,
        closedBy: 'governance',
        closedAt: after.toISOString(),
        tally: { kept: 0, revoked: 0, undecidedKept: 0, undecidedRevoked: 3 },
        revokedGrantIds: [g1, g2, g3],
      },
    };
    it('closing again changes nothing; deciding is past due', () => {
      spec(accessReviewDecider).given([opened(), closedEvent]).when(close).thenNothing();
      spec(accessReviewDecider)
        .given([opened(), closedEvent])
        .when(decide(g1, 'admin-1'))
        .thenThrows(Codes.ACCESS_REVIEW_PAST_DUE);
    });
  });
});
