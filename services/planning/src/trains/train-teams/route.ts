import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type TrainRouteDeps, trainStream } from '../train-commands.js';
import { TrainIdParams, TrainView, trainView } from '../train-view.js';

const Team = z.string().trim().min(1).max(100);

/** POST /release-trains/:id/teams and DELETE /release-trains/:id/teams/:team — member teams (P2). */
export const trainTeamsRoute: FastifyPluginAsyncZod<TrainRouteDeps> = async (app, { commands, now }) => {
  const run = async (
    request: Parameters<typeof commandContext>[0],
    id: string,
    type: 'JoinTrain' | 'LeaveTrain',
    team: string,
  ) => {
    const ctx = commandContext(request, { now: now() });
    const result = await commands.handle(trainStream(id), { type, actor: ctx.actor, at: ctx.now, team }, ctx);
    if (!result.state.exists) throw new TypeError('the train exists');
    return { etag: etagOf(result.revision), view: trainView(result.state, result.revision, ctx.now) };
  };
  app.post(
    '/release-trains/:id/teams',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Add a team to a train',
        description: 'A team joins the train: its releases may ride the slots from now on (P2).',
        tags: ['trains'],
        params: TrainIdParams,
        body: z.strictObject({ team: Team }),
        response: { 200: TrainView },
      },
    },
    async (request, reply) => {
      const { etag, view } = await run(request, request.params.id, 'JoinTrain', request.body.team);
      return reply.header('etag', etag).send(view);
    },
  );
  app.delete(
    '/release-trains/:id/teams/:team',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Take a team off a train',
        description: 'A team leaves the train; releases already on a slot keep it (P2).',
        tags: ['trains'],
        params: z.strictObject({ id: z.uuid(), team: Team }),
        response: { 200: TrainView },
      },
    },
    async (request, reply) => {
      const { etag, view } = await run(request, request.params.id, 'LeaveTrain', request.params.team);
      return reply.header('etag', etag).send(view);
    },
  );
};
