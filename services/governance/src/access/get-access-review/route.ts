import { GovernanceErrorCodes as Codes, ErrorCodes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod, HttpProblem, hasRole } from '@railyard/service-kit';
import { z } from 'zod';
import { ACCESS_READERS, AccessReviewView, accessReviewView, loadAccessReview } from '../access-store.js';

const Params = z.strictObject({ id: z.uuid() });

/** GET /access-reviews/:id — the campaign folded from its stream: items, decisions, and the close with its tally. */
export const getAccessReviewRoute: FastifyPluginAsyncZod<{ store: EventStore; now: () => Date }> = async (
  app,
  { store, now },
) => {
  app.get(
    '/access-reviews/:id',
    {
      // Reviewers are named principals of any role: they need to see what they are asked to decide.
      schema: {
        summary: 'An access review campaign',
        tags: ['access'],
        params: Params,
        response: { 200: AccessReviewView },
      },
    },
    async (request, reply) => {
      const loaded = await loadAccessReview(store, request.params.id);
      if (!loaded.state.exists)
        throw notFound(Codes.ACCESS_REVIEW_NOT_FOUND, 'No access review campaign with this id.');
      const actor = request.actor;
      const isReviewer = loaded.state.items.some((i) => i.reviewer === actor?.id);
      if (!actor || (!isReviewer && !hasRole(actor, ACCESS_READERS))) {
        throw new HttpProblem(403, ErrorCodes.FORBIDDEN, 'Only access readers and its reviewers may see a campaign.');
      }
      return reply.header('etag', etagOf(loaded.revision)).send(accessReviewView(loaded.state, loaded.revision, now()));
    },
  );
};
