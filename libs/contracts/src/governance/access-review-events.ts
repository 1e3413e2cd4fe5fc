import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { EnvironmentTier } from '../orchestration/names.js';
import { EnvironmentName } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';
import { GrantScope, Privilege } from './access-events.js';

/**
 * Access review campaigns (G2): `accessReview-<id>`, owned by governance and read by governance only. A campaign
 * snapshots the grants in its scope as items when it opens; each item's reviewer keeps or revokes it with a
 * justification until the due date. On the due date the campaign closes: governance appends `GrantRevoked` (with the
 * campaign's id) to every grant decided `revoke`, and to every undecided one when `onNoDecision` is `revoke`, then
 * `AccessReviewClosed` with the tally. Other services learn the revocations from the grant streams, never from here.
 */

const campaignId = z.uuid();
const by = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });

export const AccessReviewScope = z.strictObject({
  privileges: z.array(Privilege).min(1).max(3).optional().describe('Only these privileges (default: all).'),
  environments: z
    .array(EnvironmentName)
    .min(1)
    .max(100)
    .optional()
    .describe('Grants on these environments (with `tiers`: either).'),
  tiers: z
    .array(EnvironmentTier)
    .min(1)
    .max(6)
    .optional()
    .describe('Grants on these tiers (with `environments`: either).'),
});
export type AccessReviewScope = z.infer<typeof AccessReviewScope>;

/** Who reviews an item: the grant's issuer, or one named principal for every item. */
export const ReviewerRule = z.union([z.literal('issuer'), z.strictObject({ principal: by })]);
export type ReviewerRule = z.infer<typeof ReviewerRule>;

export const NoDecisionRule = z.enum(['revoke', 'keep']);
export const ReviewDecision = z.enum(['keep', 'revoke']);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const AccessReviewItem = z.strictObject({
  grantId: z.uuid(),
  principal: by,
  privilege: Privilege,
  scope: GrantScope,
  issuedBy: by,
  expiresAt: at.nullable(),
  reviewer: by,
});
export type AccessReviewItem = z.infer<typeof AccessReviewItem>;

export const AccessReviewOpened = defineEvent(
  'AccessReviewOpened',
  z.strictObject({
    campaignId,
    name: z.string().min(1).max(200),
    scope: AccessReviewScope,
    dueAt: at,
    reviewer: ReviewerRule,
    onNoDecision: NoDecisionRule,
    items: z.array(AccessReviewItem).max(10_000).describe('The grants in scope that held when the campaign opened.'),
    openedBy: by,
    openedAt: at,
  }),
  'A review campaign opened over the grants in its scope, each an item for its reviewer to keep or revoke.',
);

export const AccessReviewItemDecided = defineEvent(
  'AccessReviewItemDecided',
  z.strictObject({
    campaignId,
    grantId: z.uuid(),
    decision: ReviewDecision,
    justification: z.string().min(1).max(2000),
    decidedBy: by,
    decidedAt: at,
  }),
  "The item's reviewer kept or revoked the grant, with a justification (a revocation takes effect at the close).",
);

export const AccessReviewClosed = defineEvent(
  'AccessReviewClosed',
  z.strictObject({
    campaignId,
    closedBy: by.describe('The admin who closed it, or `governance` when the due date closed it.'),
    closedAt: at,
    tally: z.strictObject({
      kept: z.number().int().min(0),
      revoked: z.number().int().min(0),
      undecidedKept: z.number().int().min(0),
      undecidedRevoked: z.number().int().min(0),
    }),
    revokedGrantIds: z.array(z.uuid()).max(10_000).describe('Grants the close revoked (GrantRevoked appended).'),
  }),
  'The campaign closed at or after its due date: revocations emitted, undecided items settled by onNoDecision.',
);

export const accessReviewEvents = { AccessReviewOpened, AccessReviewItemDecided, AccessReviewClosed } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type AccessReviewEvent = {
  [K in keyof typeof accessReviewEvents]: { type: K; data: DataOf<(typeof accessReviewEvents)[K]> };
}[keyof typeof accessReviewEvents];

/** `accessReview-<id>`. */
export const accessReviewStream = (id: string) => streamName('accessReview', id);
