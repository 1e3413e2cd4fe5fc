import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { ChangeReason, FlagKeyParams, type FlagRouteDeps, FlagView, flagStream, flagView } from '../flag-commands.js';

const Body = z.strictObject({ reason: ChangeReason });

/** POST /flags/:key/kill — the kill switch: the off variant for everyone at once, until restored. */
export const killFlagRoute: FastifyPluginAsyncZod<FlagRouteDeps> = async (app, { commands, now }) => {
  app.post(
    '/flags/:key/kill',
    {
      config: { roles: ['developer', 'release-manager', 'deployment-lead', 'sre'] },
      schema: {
        summary: 'Kill a flag',
        description: 'Serves the flag’s off variant to every caller, whatever its state and targeting.',
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
        { type: 'KillFlag', actor: ctx.actor, at: ctx.now, reason: request.body.reason },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(flagView(result.state, result.revision));
    },
  );
};
