import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type TrainRouteDeps, trainStream } from '../train-commands.js';
import { TrainView, trainView } from '../train-view.js';

const Body = z.strictObject({
  name: z.string().trim().min(1).max(200),
  timeZone: z.string().min(1).max(64).describe('IANA time zone, e.g. Europe/Paris.'),
  firstSlot: z.iso.date().describe('The day of the first slot.'),
  everyWeeks: z.number().int().min(1).max(26),
  releaseTime: z.iso.time({ precision: -1 }).default('10:00').describe('Local time of day a slot ships (HH:MM).'),
  cutoffDaysBefore: z.number().int().min(0).max(60).default(2),
  teams: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
});

/** POST /release-trains — a train with its cadence and member teams (P2). */
export const createTrainRoute: FastifyPluginAsyncZod<TrainRouteDeps> = async (app, { commands, now }) => {
  app.post(
    '/release-trains',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Create a release train',
        description: 'A train with its cadence and member teams (P2).',
        tags: ['trains'],
        body: Body,
        response: { 201: TrainView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const trainId = newAggregateId(ctx, 'release-train');
      const result = await commands.handle(
        trainStream(trainId),
        { type: 'CreateTrain', actor: ctx.actor, at: ctx.now, trainId, ...request.body },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a created train exists');
      return reply
        .code(201)
        .header('location', `/release-trains/${result.state.id}`)
        .header('etag', etagOf(result.revision))
        .send(trainView(result.state, result.revision, ctx.now));
    },
  );
};
