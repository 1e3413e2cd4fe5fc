import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseIdParams, ReleaseView } from '../release-view.js';

const Body = z.strictObject({ cutoffAt: z.iso.datetime({ offset: true }).describe('When the code freeze starts.') });

/** PUT /releases/:id/freeze-cutoff — the freeze cutoff of a release not on a train slot (P4). */
export const setFreezeCutoffRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.put(
    '/releases/:id/freeze-cutoff',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Set the freeze cutoff',
        description: 'The freeze cutoff of a release not on a train slot (P4).',
        tags: ['freeze'],
        params: ReleaseIdParams,
        body: Body,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const handled = await handleReleaseCommand(deps, request, request.params.id, (ctx) => ({
        type: 'SetFreezeCutoff',
        actor: ctx.actor,
        at: ctx.now,
        cutoffAt: new Date(request.body.cutoffAt).toISOString(),
      }));
      return sendRelease(reply, handled);
    },
  );
};
