import { grantStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type GrantCommands, GrantView, grantView } from '../access-store.js';

const Params = z.strictObject({ grantId: z.uuid() });
const Body = z.strictObject({ reason: z.string().trim().min(1).max(2000) });

/** POST /grants/:grantId/revoke — the grant stops holding now; revoking twice is a conflict. */
export const revokeGrantRoute: FastifyPluginAsyncZod<{ grants: GrantCommands; now: () => Date }> = async (
  app,
  { grants, now },
) => {
  app.post(
    '/grants/:grantId/revoke',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Revoke a grant',
        tags: ['access'],
        params: Params,
        body: Body,
        response: { 200: GrantView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await grants.handle(
        grantStream(request.params.grantId),
        { type: 'RevokeGrant', reason: request.body.reason, campaignId: null, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(grantView(result.state, result.revision, ctx.now));
    },
  );
};
