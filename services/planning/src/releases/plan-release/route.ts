import { CalendarDate } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { loadTrain } from '../../trains/train-commands.js';
import { type ReleaseRouteDeps, releaseStream } from '../release-commands.js';
import { ReleaseView, releaseView } from '../release-view.js';

const Body = z.strictObject({
  name: z.string().trim().min(1).max(200),
  targetDate: CalendarDate.describe('The day the release is planned to ship (YYYY-MM-DD, UTC).'),
  trainId: z.uuid().optional(),
});

/** POST /releases — plan a release (P1). */
export const planReleaseRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, { commands, store, now }) => {
  app.post(
    '/releases',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Plan a release',
        description: 'Plan a release (P1).',
        tags: ['releases'],
        body: Body,
        response: { 201: ReleaseView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      // A release names only a train that exists (404 otherwise).
      if (request.body.trainId) await loadTrain(store, request.body.trainId);
      const releaseId = newAggregateId(ctx, 'release');
      const result = await commands.handle(
        releaseStream(releaseId),
        { type: 'PlanRelease', actor: ctx.actor, at: ctx.now, releaseId, ...request.body },
        ctx,
        // The id was minted just now: the stream is new unless an Idempotency-Key retry created it before.
        { newStream: true },
      );
      return reply
        .code(201)
        .header('location', `/releases/${releaseId}`)
        .header('etag', etagOf(result.revision))
        .send(releaseView(result.state, result.revision));
    },
  );
};
