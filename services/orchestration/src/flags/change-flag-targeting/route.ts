import { TargetingRule } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import {
  ChangeReason,
  FlagKeyParams,
  type FlagRouteDeps,
  FlagView,
  flagStream,
  flagView,
  referencedSegments,
} from '../flag-commands.js';

const Body = z.strictObject({ targeting: TargetingRule.nullable(), reason: ChangeReason });

/** PUT /flags/:key/targeting — replace the JSONLogic targeting (null: none). Honours If-Match. */
export const changeFlagTargetingRoute: FastifyPluginAsyncZod<FlagRouteDeps> = async (app, { commands, store, now }) => {
  app.put(
    '/flags/:key/targeting',
    {
      config: { roles: ['developer', 'release-manager', 'deployment-lead'] },
      schema: {
        summary: "Change a flag's targeting",
        tags: ['flags'],
        params: FlagKeyParams,
        body: Body,
        response: { 200: FlagView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { targeting, reason } = request.body;
      const segments = await referencedSegments(store, targeting);
      const result = await commands.handle(
        flagStream(request.params.key),
        { type: 'ChangeFlagTargeting', actor: ctx.actor, at: ctx.now, targeting, reason, segments },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(flagView(result.state, result.revision));
    },
  );
};
