import { retrospectiveStream } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import {
  type RetrospectiveCommands,
  RetrospectiveParams,
  RetrospectiveView,
  retrospectiveView,
} from '../retrospective-store.js';

const Body = z.strictObject({
  source: z.enum(['support', 'operations']).describe('Who the feedback comes from.'),
  description: z.string().trim().min(1).max(2000),
});

/** POST /retrospectives/:id/feedback — feedback from support or operations enters as an item with its source (G5). */
export const addFeedbackRoute: FastifyPluginAsyncZod<{ commands: RetrospectiveCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/retrospectives/:id/feedback',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'developer'] },
      schema: {
        summary: 'Add feedback from support or operations',
        tags: ['retrospectives'],
        params: RetrospectiveParams,
        body: Body,
        response: { 201: RetrospectiveView.extend({ feedbackId: z.string() }) },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const feedbackId = newAggregateId(ctx, 'retrospective-feedback');
      const result = await commands.handle(
        retrospectiveStream(request.params.id),
        { type: 'AddFeedback', feedbackId, ...request.body, actor: ctx.actor.id },
        ctx,
      );
      return reply
        .code(201)
        .header('etag', etagOf(result.revision))
        .send({ ...retrospectiveView(result.state, result.revision, ctx.now), feedbackId });
    },
  );
};
