import { ExceptionChange } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { CreatedInRelease, handleReleaseCommand, type ReleaseRouteDeps, sendCreated } from '../release-commands.js';
import { ReleaseIdParams } from '../release-view.js';

const Body = z.strictObject({
  change: ExceptionChange.describe('The one change the exception allows, once.'),
  justification: z.string().trim().min(1).max(2000),
});

/** POST /releases/:id/freeze-exceptions — ask to make one named change despite the freeze (P4). */
export const requestFreezeExceptionRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/freeze-exceptions',
    {
      config: { roles: ['release-manager', 'product-owner', 'developer'] },
      schema: {
        summary: 'Request a freeze exception',
        description: 'Ask to make one named change despite the freeze (P4).',
        tags: ['freeze'],
        params: ReleaseIdParams,
        body: Body,
        response: { 201: CreatedInRelease },
      },
    },
    async (request, reply) => {
      let exceptionId = '';
      const handled = await handleReleaseCommand(deps, request, request.params.id, (ctx) => {
        exceptionId = newAggregateId(ctx, 'freeze-exception');
        return { type: 'RequestFreezeException', actor: ctx.actor, at: ctx.now, exceptionId, ...request.body };
      });
      return sendCreated(
        reply,
        handled,
        'exceptionId',
        exceptionId,
        (x) => `/releases/${request.params.id}/freeze-exceptions/${x}`,
      );
    },
  );
};
