import { FlagDefinition, FlagKey, VariantName } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import {
  ChangeReason,
  type FlagRouteDeps,
  FlagView,
  flagStream,
  flagView,
  referencedSegments,
} from '../flag-commands.js';

const Body = FlagDefinition.extend({
  key: FlagKey,
  offVariant: VariantName.optional().describe(
    'The variant the kill switch serves (default: the variant whose value is false, else the default variant).',
  ),
  reason: ChangeReason,
});

/** POST /flags — define a feature flag in flagd's format (O4). */
export const defineFlagRoute: FastifyPluginAsyncZod<FlagRouteDeps> = async (app, { commands, store, now }) => {
  app.post(
    '/flags',
    {
      config: { roles: ['developer', 'release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Define a feature flag',
        description:
          'A flagd flag definition (state, variants, defaultVariant, JSONLogic targeting with fractional, sem_ver, ' +
          'starts_with, ends_with and {"$ref": segment}), validated by flagd-core against flagd’s schema.',
        tags: ['flags'],
        body: Body,
        response: { 201: FlagView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { key, offVariant, reason, ...definition } = request.body;
      const segments = await referencedSegments(store, definition.targeting);
      const result = await commands.handle(
        flagStream(key),
        { type: 'DefineFlag', actor: ctx.actor, at: ctx.now, key, definition, offVariant, reason, segments },
        ctx,
      );
      return reply
        .code(201)
        .header('location', `/flags/${key}`)
        .header('etag', etagOf(result.revision))
        .send(flagView(result.state, result.revision));
    },
  );
};
