import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type ReleaseRouteDeps, releaseStream } from '../release-commands.js';
import { ReleaseView, releaseView } from '../release-view.js';

const Params = z.strictObject({ id: z.uuid(), itemId: z.uuid() });
const Query = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() });

/** DELETE /releases/:id/scope-items/:itemId — take an item out of scope before the freeze; honours If-Match. */
export const removeScopeItemRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, { commands, now }) => {
  app.delete(
    '/releases/:id/scope-items/:itemId',
    {
      config: { roles: ['release-manager', 'product-owner'] },
      schema: {
        summary: 'Remove a scope item from a release',
        description: 'Take an item out of scope before the freeze; honours If-Match.',
        tags: ['releases'],
        params: Params,
        querystring: Query,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        releaseStream(request.params.id),
        {
          type: 'RemoveScopeItem',
          actor: ctx.actor,
          at: ctx.now,
          itemId: request.params.itemId,
          reason: request.query.reason,
        },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(releaseView(result.state, result.revision));
    },
  );
};
