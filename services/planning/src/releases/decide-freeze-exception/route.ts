import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseView } from '../release-view.js';

const Params = z.strictObject({ id: z.uuid(), exceptionId: z.uuid() });
const Body = z.strictObject({
  decision: z.enum(['approved', 'denied']),
  reason: z.string().trim().min(1).max(2000).optional(),
});

/** POST /releases/:id/freeze-exceptions/:exceptionId/decision — a release manager or CAB member, not the requester. */
export const decideFreezeExceptionRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/freeze-exceptions/:exceptionId/decision',
    {
      config: { roles: ['release-manager', 'cab-member'] },
      schema: {
        summary: 'Approve or deny a freeze exception',
        description: 'Approve or deny a freeze exception: a release manager or CAB member, never the requester (P4).',
        tags: ['freeze'],
        params: Params,
        body: Body,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const { id, exceptionId } = request.params;
      const handled = await handleReleaseCommand(deps, request, id, (ctx) => ({
        type: 'DecideFreezeException',
        actor: ctx.actor,
        at: ctx.now,
        exceptionId,
        ...request.body,
      }));
      return sendRelease(reply, handled);
    },
  );
};
