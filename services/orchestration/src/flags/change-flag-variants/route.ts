import { FlagDefinition, VariantName } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import {
  ChangeReason,
  FlagKeyParams,
  type FlagRouteDeps,
  FlagView,
  flagStream,
  flagView,
  loadFlag,
  referencedSegments,
} from '../flag-commands.js';

const Body = z.strictObject({
  variants: FlagDefinition.shape.variants,
  defaultVariant: VariantName,
  offVariant: VariantName.optional(),
  reason: ChangeReason,
});

/** PUT /flags/:key/variants — replace the variants, the default and the kill-switch variant. Honours If-Match. */
export const changeFlagVariantsRoute: FastifyPluginAsyncZod<FlagRouteDeps> = async (app, { commands, store, now }) => {
  app.put(
    '/flags/:key/variants',
    {
      config: { roles: ['developer', 'release-manager', 'deployment-lead'] },
      schema: {
        summary: "Change a flag's variants",
        tags: ['flags'],
        params: FlagKeyParams,
        body: Body,
        response: { 200: FlagView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { key } = request.params;
      // The targeting stays as it is, and must still hold with the new variants: validate it with its segments.
      const { state } = await loadFlag(store, key);
      const segments = state.exists ? await referencedSegments(store, state.definition.targeting) : {};
      const result = await commands.handle(
        flagStream(key),
        { type: 'ChangeFlagVariants', actor: ctx.actor, at: ctx.now, ...request.body, segments },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(flagView(result.state, result.revision));
    },
  );
};
