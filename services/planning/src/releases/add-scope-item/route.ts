import { ScopeItemKind } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type ReleaseRouteDeps, releaseStream } from '../release-commands.js';
import { ReleaseIdParams, ReleaseView, releaseView } from '../release-view.js';

const Body = z.strictObject({
  title: z.string().trim().min(1).max(300),
  team: z.string().trim().min(1).max(100),
  kind: ScopeItemKind,
  roadmapRef: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('Required for features: the roadmap item delivered.'),
});

const Created = z.object({ itemId: z.uuid(), release: ReleaseView });

/** POST /releases/:id/scope-items — propose a scope item (P1); honours If-Match. */
export const addScopeItemRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, { commands, now }) => {
  app.post(
    '/releases/:id/scope-items',
    {
      config: { roles: ['release-manager', 'product-owner', 'developer'] },
      schema: {
        summary: 'Add a scope item to a release',
        tags: ['releases'],
        params: ReleaseIdParams,
        body: Body,
        response: { 201: Created },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const itemId = newAggregateId(ctx, 'scope-item');
      const result = await commands.handle(
        releaseStream(request.params.id),
        { type: 'AddScopeItem', actor: ctx.actor, at: ctx.now, itemId, ...request.body },
        ctx,
      );
      // On an idempotent replay the item id is the one the first execution recorded.
      const recordedItemId = (result.events[0]?.data.itemId as string | undefined) ?? itemId;
      return reply
        .code(201)
        .header('location', `/releases/${request.params.id}/scope-items/${recordedItemId}`)
        .header('etag', etagOf(result.revision))
        .send({ itemId: recordedItemId, release: releaseView(result.state, result.revision) });
    },
  );
};
