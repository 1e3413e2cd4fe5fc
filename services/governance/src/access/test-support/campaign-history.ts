import { type AccessReviewItem, AccessReviewOpened } from '@railyard/contracts';
import { event, type SpecEvent } from '@railyard/testing';
import { T0 } from './access-fixture.js';

/** An item of a campaign: a deploy grant on checkout-prod, reviewed by `reviewer`. */
export const reviewItem = (grantId: string, principal: string, reviewer = 'admin-1'): AccessReviewItem => ({
  grantId,
  principal,
  privilege: 'deploy',
  scope: { environment: 'checkout-prod' },
  issuedBy: 'admin-1',
  expiresAt: null,
  reviewer,
});

/** AccessReviewOpened at T0 with these items, due at `dueAt`. */
export function campaignOpened(
  campaignId: string,
  items: AccessReviewItem[],
  dueAt: Date,
  onNoDecision: 'revoke' | 'keep' = 'revoke',
): SpecEvent {
  return event(
    AccessReviewOpened,
    {
      campaignId,
      name: 'Q4 prod access',
      scope: { privileges: ['deploy'] },
      dueAt: dueAt.toISOString(),
      reviewer: 'issuer',
      onNoDecision,
      items,
      openedBy: 'auditor-1',
      openedAt: T0.toISOString(),
    },
    { at: T0 },
  );
}
