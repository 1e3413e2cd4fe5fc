import {
  AccessReviewItem,
  AccessReviewScope,
  accessReviewEvents,
  accessReviewStream,
  type EventCatalogue,
  GrantScope,
  grantEvents,
  grantStream,
  Privilege,
  ReviewDecision,
  ReviewerRule,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate, type RecordedEvent } from '@railyard/eventstore';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { type AccessReviewState, accessReviewDecider } from './domain/access-review.decide.js';
import { type GrantState, grantDecider } from './domain/grant.decide.js';

/** Who may read grants, campaigns and the access reports (admin always may). */
export const ACCESS_READERS = ['auditor', 'sre', 'release-manager', 'deployment-lead', 'analyst'] as const;

const grantCatalogue = grantEvents as unknown as EventCatalogue;
const reviewCatalogue = accessReviewEvents as unknown as EventCatalogue;

export const createGrantCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: grantDecider, catalogue: grantCatalogue });
export type GrantCommands = ReturnType<typeof createGrantCommands>;
export const loadGrant = (store: EventStore, id: string) =>
  loadAggregate(store, grantDecider, grantCatalogue, grantStream(id));

export const createAccessReviewCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: accessReviewDecider, catalogue: reviewCatalogue });
export type AccessReviewCommands = ReturnType<typeof createAccessReviewCommands>;
export const loadAccessReview = (store: EventStore, id: string) =>
  loadAggregate(store, accessReviewDecider, reviewCatalogue, accessReviewStream(id));

/** The stream's events as the GET views show them: what happened, when, by whom. */
export const History = z.array(
  z.object({
    eventId: z.string(),
    type: z.string(),
    at: z.string(),
    actor: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
);
export const historyOf = (events: RecordedEvent[]) =>
  events.map((e) => ({
    eventId: e.id,
    type: e.type,
    at: e.metadata.occurredAt,
    actor: e.metadata.actor.id,
    data: e.data,
  }));

export const GrantView = schemaComponent(
  'Grant',
  z.object({
    grantId: z.uuid(),
    principal: z.string(),
    privilege: Privilege,
    scope: GrantScope,
    issuedBy: z.string(),
    issuedAt: z.string(),
    reason: z.string(),
    expiresAt: z.string().nullable(),
    revoked: z
      .object({ revokedBy: z.string(), revokedAt: z.string(), reason: z.string(), campaignId: z.string().nullable() })
      .nullable(),
    active: z.boolean().describe('Whether the grant holds now (issued, not revoked, not expired).'),
    revision: z.number().int(),
  }),
);

export function grantView(state: GrantState, revision: bigint, now: Date): z.infer<typeof GrantView> {
  if (!state.exists) throw new TypeError('a grant view needs a grant');
  const { exists: _e, ...view } = state;
  const active = !state.revoked && (!state.expiresAt || new Date(state.expiresAt).getTime() > now.getTime());
  return { ...view, active, revision: Number(revision) };
}

export const AccessReviewView = schemaComponent(
  'AccessReview',
  z.object({
    campaignId: z.uuid(),
    name: z.string(),
    scope: AccessReviewScope,
    dueAt: z.string(),
    reviewer: ReviewerRule,
    onNoDecision: z.enum(['revoke', 'keep']),
    openedBy: z.string(),
    openedAt: z.string(),
    status: z.enum(['open', 'due', 'closed']).describe('due: past its due date, not closed yet.'),
    items: z.array(
      AccessReviewItem.extend({
        decision: z
          .object({ decision: ReviewDecision, justification: z.string(), decidedBy: z.string(), decidedAt: z.string() })
          .nullable(),
      }),
    ),
    closed: z
      .object({
        closedBy: z.string(),
        closedAt: z.string(),
        tally: z.object({
          kept: z.number().int(),
          revoked: z.number().int(),
          undecidedKept: z.number().int(),
          undecidedRevoked: z.number().int(),
        }),
        revokedGrantIds: z.array(z.string()),
      })
      .nullable(),
    revision: z.number().int(),
  }),
);

export function accessReviewView(s: AccessReviewState, revision: bigint, now: Date): z.infer<typeof AccessReviewView> {
  if (!s.exists) throw new TypeError('a campaign view needs a campaign');
  const status = s.closed ? 'closed' : now.getTime() >= new Date(s.dueAt).getTime() ? 'due' : 'open';
  return {
    campaignId: s.campaignId,
    name: s.name,
    scope: s.scope,
    dueAt: s.dueAt,
    reviewer: s.reviewer,
    onNoDecision: s.onNoDecision,
    openedBy: s.openedBy,
    openedAt: s.openedAt,
    status,
    items: s.items.map((i) => ({ ...i, decision: s.decisions[i.grantId] ?? null })),
    closed: s.closed,
    revision: Number(revision),
  };
}
