import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { ChangeReason, FlagKeyParams, type FlagRouteDeps, FlagView, flagStream, flagView } from '../flag-commands.js';

const Body = z.strictObject({ reason: ChangeReason });

/** POST /flags/:key/restore — release the kill switch: the flag evaluates its state and targeting again. */
export const restoreFlagRoute: FastifyPluginAsyncZod<FlagRouteDeps> = async (app, { commands, now }) => {
  app.post(
    '/flags/:key/restore',
    {
      config: { roles: ['developer', 'release-manager', 'deployment-lead', 'sre'] },
      schema: {
        summary: 'Restore a killed flag',
        tags: ['flags'],
        params: FlagKeyParams,
        body: Body,
        response: { 200: FlagView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        flagStream(request.params.key),
        { type: 'RestoreFlag', actor: ctx.actor, at: ctx.now, reason: request.body.reason },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(flagView(result.state, result.revision));
    },
  );
};
