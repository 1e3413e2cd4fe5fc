import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { AccessReviewView, accessReviewView } from '../access-store.js';
import { closeAccessReview, type ReviewCloserDeps } from '../review-closer.js';

const Params = z.strictObject({ id: z.uuid() });

/**
 * POST /access-reviews/:id/close — closes a due campaign now, as its due date would (the scheduler does it on its
 * own): revocations first, then the tally. Closing a closed campaign answers it as it is and changes nothing.
 */
export const closeAccessReviewRoute: FastifyPluginAsyncZod<ReviewCloserDeps & { now: () => Date }> = async (
  app,
  deps,
) => {
  app.post(
    '/access-reviews/:id/close',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Close a due access review campaign',
        tags: ['access'],
        params: Params,
        response: { 200: AccessReviewView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const result = await closeAccessReview(deps, request.params.id, ctx);
      return reply
        .header('etag', etagOf(result.revision))
        .send(accessReviewView(result.state, result.revision, ctx.now));
    },
  );
};
