import { CabVote } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseIdParams, ReleaseView } from '../release-view.js';

const Body = z.strictObject({
  vote: CabVote,
  reason: z.string().trim().min(1).max(2000).optional().describe('Required to reject.'),
  conditions: z
    .array(z.string().trim().min(1).max(500))
    .min(1)
    .max(20)
    .optional()
    .describe('For approve-with-conditions.'),
});

/** POST /releases/:id/cab-votes — a CAB member votes; the owner, the submitter and scope authors cannot (P3). */
export const castCabVoteRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/cab-votes',
    {
      config: { roles: ['cab-member'] },
      schema: {
        summary: 'Vote on a release',
        description: 'A CAB member votes; the owner, the submitter and scope authors cannot (P3).',
        tags: ['cab'],
        params: ReleaseIdParams,
        body: Body,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const handled = await handleReleaseCommand(deps, request, request.params.id, (ctx) => ({
        type: 'CastCabVote',
        actor: ctx.actor,
        at: ctx.now,
        ...request.body,
      }));
      return sendRelease(reply, handled);
    },
  );
};
