import { DependencyStatus } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseView } from '../release-view.js';

const Params = z.strictObject({ id: z.uuid(), dependencyId: z.uuid() });
const Body = z.strictObject({ status: DependencyStatus, note: z.string().trim().min(1).max(1000).optional() });

/** PUT /releases/:id/dependencies/:dependencyId/status — open, ready or blocked (P2). */
export const changeDependencyStatusRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.put(
    '/releases/:id/dependencies/:dependencyId/status',
    {
      config: { roles: ['release-manager', 'product-owner', 'developer'] },
      schema: {
        summary: 'Change a dependency’s status',
        description: "Set a dependency's status: open, ready or blocked (P2); a blocked dependency blocks the freeze.",
        tags: ['dependencies'],
        params: Params,
        body: Body,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const { id, dependencyId } = request.params;
      const handled = await handleReleaseCommand(deps, request, id, (ctx) => ({
        type: 'ChangeDependencyStatus',
        actor: ctx.actor,
        at: ctx.now,
        dependencyId,
        ...request.body,
      }));
      return sendRelease(reply, handled);
    },
  );
};
