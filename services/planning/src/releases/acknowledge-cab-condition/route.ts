import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseView } from '../release-view.js';

const Params = z.strictObject({ id: z.uuid(), conditionId: z.string().regex(/^c\d{1,4}$/) });
const Body = z.strictObject({ note: z.string().trim().min(1).max(1000).optional() });

/** POST /releases/:id/cab-conditions/:conditionId/acknowledge — every condition, before deploying (P3). */
export const acknowledgeCabConditionRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/cab-conditions/:conditionId/acknowledge',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Acknowledge a CAB condition',
        description: 'Acknowledge a CAB condition: every condition must be acknowledged before deploying (P3).',
        tags: ['cab'],
        params: Params,
        body: Body,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const { id, conditionId } = request.params;
      const handled = await handleReleaseCommand(deps, request, id, (ctx) => ({
        type: 'AcknowledgeCondition',
        actor: ctx.actor,
        at: ctx.now,
        conditionId,
        ...request.body,
      }));
      return sendRelease(reply, handled);
    },
  );
};
