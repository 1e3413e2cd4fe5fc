import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseView } from '../release-view.js';

const Params = z.strictObject({ id: z.uuid(), itemId: z.uuid() });

/** POST /releases/:id/scope-items/:itemId/accept — a product owner accepts a proposal (P1); honours If-Match. */
export const acceptScopeItemRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/scope-items/:itemId/accept',
    {
      config: { roles: ['product-owner'] },
      schema: {
        summary: 'Accept a proposed scope item',
        description: 'A product owner accepts a proposal (P1); honours If-Match.',
        tags: ['releases'],
        params: Params,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const { id, itemId } = request.params;
      const handled = await handleReleaseCommand(deps, request, id, (ctx) => ({
        type: 'AcceptScopeItem',
        actor: ctx.actor,
        at: ctx.now,
        itemId,
      }));
      return sendRelease(reply, handled);
    },
  );
};
