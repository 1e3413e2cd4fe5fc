import { retrospectiveStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import {
  type RetrospectiveCommands,
  RetrospectiveParams,
  RetrospectiveView,
  retrospectiveView,
} from '../retrospective-store.js';

const Body = z.strictObject({ note: z.string().trim().min(1).max(2000).describe('What was done.') });

/** POST /retrospectives/:id/actions/:actionId/complete — an action item is done (G5). */
export const completeActionRoute: FastifyPluginAsyncZod<{ commands: RetrospectiveCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/retrospectives/:id/actions/:actionId/complete',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'developer'] },
      schema: {
        summary: 'Complete an action item',
        tags: ['retrospectives'],
        params: RetrospectiveParams.extend({ actionId: z.uuid() }),
        body: Body,
        response: { 200: RetrospectiveView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        retrospectiveStream(request.params.id),
        {
          type: 'CompleteAction',
          actionId: request.params.actionId,
          ...request.body,
          actor: ctx.actor.id,
          at: ctx.now,
        },
        ctx,
      );
      return reply
        .header('etag', etagOf(result.revision))
        .send(retrospectiveView(result.state, result.revision, ctx.now));
    },
  );
};
