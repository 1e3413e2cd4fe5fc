import { Criticality, type EventCatalogue, releaseEvents, ScopeItemKind } from '@railyard/contracts';
import { loadAggregate, newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { loadTrain } from '../../trains/train-commands.js';
import { releaseDecider } from '../domain/release.decide.js';
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
  service: z.string().trim().min(1).max(100).optional().describe('The service the item touches.'),
  criticality: Criticality.optional().describe('How critical that service is (a CAB risk factor).'),
});

const Created = z.object({ itemId: z.uuid(), release: ReleaseView });

/** POST /releases/:id/scope-items — propose a scope item (P1); after the freeze, only with an approved exception. */
/**
 * The member teams of the train the release rides, if any. Read before the command: a release changes trains only
 * before its freeze and rarely, and the decider re-checks nothing else from the train, so a stale read is benign.
 */
async function trainTeamsOf(store: ReleaseRouteDeps['store'], releaseId: string): Promise<string[] | undefined> {
  const catalogue = releaseEvents as unknown as EventCatalogue;
  const { state } = await loadAggregate(store, releaseDecider, catalogue, releaseStream(releaseId));
  if (!state.exists || !state.trainId) return undefined;
  return (await loadTrain(store, state.trainId)).train.teams;
}

export const addScopeItemRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, { commands, store, now }) => {
  app.post(
    '/releases/:id/scope-items',
    {
      config: { roles: ['release-manager', 'product-owner', 'developer'] },
      schema: {
        summary: 'Add a scope item to a release',
        description: 'Propose a scope item (P1); after the freeze, only with an approved exception.',
        tags: ['releases'],
        params: ReleaseIdParams,
        body: Body,
        response: { 201: Created },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const itemId = newAggregateId(ctx, 'scope-item');
      const trainTeams = await trainTeamsOf(store, request.params.id);
      const result = await commands.handle(
        releaseStream(request.params.id),
        { type: 'AddScopeItem', actor: ctx.actor, at: ctx.now, itemId, ...request.body, trainTeams },
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
