import { accessReviewStream, GovernanceErrorCodes as Codes, ReviewDecision } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import { type AccessReviewCommands, AccessReviewView, accessReviewView, loadAccessReview } from '../access-store.js';

const Params = z.strictObject({ id: z.uuid(), grantId: z.uuid() });
const Body = z.strictObject({ decision: ReviewDecision, justification: z.string().trim().min(1).max(2000) });

export interface DecideReviewItemDeps {
  store: EventStore;
  reviews: AccessReviewCommands;
  now: () => Date;
}

/**
 * POST /access-reviews/:id/items/:grantId/decision — the item's reviewer keeps or revokes the grant, once, before
 * the due date. Anyone else is refused with 403 whatever their roles: the reviewer is a principal, not a role.
 */
export const decideReviewItemRoute: FastifyPluginAsyncZod<DecideReviewItemDeps> = async (
  app,
  { store, reviews, now },
) => {
  app.post(
    '/access-reviews/:id/items/:grantId/decision',
    {
      schema: {
        summary: 'Keep or revoke an item of a campaign',
        tags: ['access'],
        params: Params,
        body: Body,
        response: { 200: AccessReviewView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { id, grantId } = request.params;
      // The reviewer never changes, so checking it before deciding is race-free; the decider checks it again.
      const loaded = await loadAccessReview(store, id);
      const item = loaded.state.exists ? loaded.state.items.find((i) => i.grantId === grantId) : undefined;
      if (item && item.reviewer !== ctx.actor.id) {
        throw new HttpProblem(403, Codes.ACCESS_REVIEW_NOT_REVIEWER, "Only the item's reviewer decides it.", {
          reviewer: item.reviewer,
        });
      }
      const result = await reviews.handle(
        accessReviewStream(id),
        { type: 'DecideReviewItem', grantId, ...request.body, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      return reply
        .header('etag', etagOf(result.revision))
        .send(accessReviewView(result.state, result.revision, ctx.now));
    },
  );
};
