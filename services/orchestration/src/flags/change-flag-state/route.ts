import { FlagState } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { ChangeReason, FlagKeyParams, type FlagRouteDeps, FlagView, flagStream, flagView } from '../flag-commands.js';

const Body = z.strictObject({ state: FlagState, reason: ChangeReason });

/** PUT /flags/:key/state — enable or disable a flag (a disabled flag answers DISABLED). Honours If-Match. */
export const changeFlagStateRoute: FastifyPluginAsyncZod<FlagRouteDeps> = async (app, { commands, now }) => {
  app.put(
    '/flags/:key/state',
    {
      config: { roles: ['developer', 'release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Enable or disable a flag',
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
        { type: 'ChangeFlagState', actor: ctx.actor, at: ctx.now, ...request.body },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(flagView(result.state, result.revision));
    },
  );
};
