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
  description: z.string().trim().min(1).max(2000),
  owner: z.string().trim().min(1).max(200).describe('The principal who sees it through.'),
  dueDate: z.iso.date().describe('YYYY-MM-DD (UTC): today or later.'),
});

/** POST /retrospectives/:id/actions — adds an action item with an owner and a due date (G5). */
export const addActionRoute: FastifyPluginAsyncZod<{ commands: RetrospectiveCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/retrospectives/:id/actions',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Add an action item',
        tags: ['retrospectives'],
        params: RetrospectiveParams,
        body: Body,
        response: { 201: RetrospectiveView.extend({ actionId: z.string() }) },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const actionId = newAggregateId(ctx, 'retrospective-action');
      const result = await commands.handle(
        retrospectiveStream(request.params.id),
        { type: 'AddAction', actionId, ...request.body, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      return reply
        .code(201)
        .header('etag', etagOf(result.revision))
        .send({ ...retrospectiveView(result.state, result.revision, ctx.now), actionId });
    },
  );
};
