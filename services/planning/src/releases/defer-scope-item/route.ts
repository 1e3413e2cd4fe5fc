import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseView } from '../release-view.js';

const Params = z.strictObject({ id: z.uuid(), itemId: z.uuid() });
const Body = z.strictObject({ reason: z.string().trim().min(1).max(1000) });

/** POST /releases/:id/scope-items/:itemId/defer — a product owner defers a proposal, saying why (P1). */
export const deferScopeItemRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/scope-items/:itemId/defer',
    {
      config: { roles: ['product-owner'] },
      schema: {
        summary: 'Defer a proposed scope item',
        description: 'A product owner defers a proposal, saying why (P1).',
        tags: ['releases'],
        params: Params,
        body: Body,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const { id, itemId } = request.params;
      const handled = await handleReleaseCommand(deps, request, id, (ctx) => ({
        type: 'DeferScopeItem',
        actor: ctx.actor,
        at: ctx.now,
        itemId,
        reason: request.body.reason,
      }));
      return sendRelease(reply, handled);
    },
  );
};
