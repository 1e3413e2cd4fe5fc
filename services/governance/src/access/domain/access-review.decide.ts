import {
  type AccessReviewEvent,
  type AccessReviewItem,
  type AccessReviewScope,
  GovernanceErrorCodes as Codes,
  invalid,
  notFound,
  type ReviewDecision,
  type ReviewerRule,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

type Opened = Extract<AccessReviewEvent, { type: 'AccessReviewOpened' }>['data'];
type Closed = Extract<AccessReviewEvent, { type: 'AccessReviewClosed' }>['data'];

export interface ItemDecision {
  decision: ReviewDecision;
  justification: string;
  decidedBy: string;
  decidedAt: string;
}

export type AccessReviewState =
  | { exists: false }
  | ({ exists: true; decisions: Record<string, ItemDecision>; closed: Omit<Closed, 'campaignId'> | null } & Opened);

export type AccessReviewCommand =
  | {
      type: 'OpenAccessReview';
      campaignId: string;
      name: string;
      scope: AccessReviewScope;
      dueAt: Date;
      reviewer: ReviewerRule;
      onNoDecision: 'revoke' | 'keep';
      items: AccessReviewItem[];
      actor: string;
      at: Date;
    }
  | {
      type: 'DecideReviewItem';
      grantId: string;
      decision: ReviewDecision;
      justification: string;
      actor: string;
      at: Date;
    }
  | { type: 'CloseAccessReview'; actor: string; at: Date };

/** The reviewer of a grant under a campaign's rule. */
export const reviewerOf = (rule: ReviewerRule, grant: { issuedBy: string }): string =>
  rule === 'issuer' ? grant.issuedBy : rule.principal;

/** What closing the campaign does: the items it revokes (decided revoke, or undecided under onNoDecision=revoke). */
export function closePlan(s: Extract<AccessReviewState, { exists: true }>) {
  const tally = { kept: 0, revoked: 0, undecidedKept: 0, undecidedRevoked: 0 };
  const revoke: { item: AccessReviewItem; justification: string | null }[] = [];
  for (const item of s.items) {
    const d = s.decisions[item.grantId];
    if (d?.decision === 'keep') tally.kept++;
    else if (d?.decision === 'revoke') {
      tally.revoked++;
      revoke.push({ item, justification: d.justification });
    } else if (s.onNoDecision === 'revoke') {
      tally.undecidedRevoked++;
      revoke.push({ item, justification: null });
    } else tally.undecidedKept++;
  }
  return { tally, revoke };
}

/**
 * G2 review campaigns: opened over a snapshot of grants, decided item by item by each item's reviewer until the due
 * date, closed once at or after it. The close's revocations are appended to the grants' own streams by the closer
 * before this stream records the close (so a crash between them is retried, never lost).
 */
export const accessReviewDecider: Decider<AccessReviewCommand, AccessReviewEvent, AccessReviewState> = {
  initialState: { exists: false },
  evolve(s, e) {
    if (e.type === 'AccessReviewOpened') return { exists: true, ...e.data, decisions: {}, closed: null };
    if (!s.exists) return s;
    if (e.type === 'AccessReviewItemDecided') {
      const { grantId, decision, justification, decidedBy, decidedAt } = e.data;
      return { ...s, decisions: { ...s.decisions, [grantId]: { decision, justification, decidedBy, decidedAt } } };
    }
    const { campaignId: _c, ...closed } = e.data;
    return { ...s, closed };
  },
  decide(c, s) {
    if (c.type === 'OpenAccessReview') {
      if (s.exists) throw ruleViolated(Codes.ACCESS_REVIEW_EXISTS, 'This campaign already exists.');
      if (c.dueAt.getTime() <= c.at.getTime()) {
        throw invalid(Codes.ACCESS_REVIEW_DUE_PAST, 'The due date must be in the future.');
      }
      return [
        {
          type: 'AccessReviewOpened',
          data: {
            campaignId: c.campaignId,
            name: c.name,
            scope: c.scope,
            dueAt: c.dueAt.toISOString(),
            reviewer: c.reviewer,
            onNoDecision: c.onNoDecision,
            items: c.items,
            openedBy: c.actor,
            openedAt: c.at.toISOString(),
          },
        },
      ];
    }
    if (!s.exists) throw notFound(Codes.ACCESS_REVIEW_NOT_FOUND, 'No access review campaign with this id.');
    const due = new Date(s.dueAt).getTime();
    if (c.type === 'DecideReviewItem') {
      const item = s.items.find((i) => i.grantId === c.grantId);
      if (!item) throw notFound(Codes.ACCESS_REVIEW_ITEM_UNKNOWN, 'This grant is not an item of the campaign.');
      if (s.closed || c.at.getTime() >= due) {
        throw ruleViolated(Codes.ACCESS_REVIEW_PAST_DUE, 'The campaign is past its due date.', { dueAt: s.dueAt });
      }
      if (item.reviewer !== c.actor) {
        throw ruleViolated(Codes.ACCESS_REVIEW_NOT_REVIEWER, "Only the item's reviewer decides it.", {
          reviewer: item.reviewer,
        });
      }
      if (s.decisions[c.grantId]) {
        throw ruleViolated(Codes.ACCESS_REVIEW_ALREADY_DECIDED, 'This item is already decided.', {
          decision: s.decisions[c.grantId]!.decision,
        });
      }
      return [
        {
          type: 'AccessReviewItemDecided',
          data: {
            campaignId: s.campaignId,
            grantId: c.grantId,
            decision: c.decision,
            justification: c.justification,
            decidedBy: c.actor,
            decidedAt: c.at.toISOString(),
          },
        },
      ];
    }
    // Closing twice is asking for what already happened: nothing new.
    if (s.closed) return [];
    if (c.at.getTime() < due) {
      throw ruleViolated(Codes.ACCESS_REVIEW_NOT_DUE, 'The campaign closes on or after its due date.', {
        dueAt: s.dueAt,
      });
    }
    const { tally, revoke } = closePlan(s);
    return [
      {
        type: 'AccessReviewClosed',
        data: {
          campaignId: s.campaignId,
          closedBy: c.actor,
          closedAt: c.at.toISOString(),
          tally,
          revokedGrantIds: revoke.map((r) => r.item.grantId),
        },
      },
    ];
  },
};
