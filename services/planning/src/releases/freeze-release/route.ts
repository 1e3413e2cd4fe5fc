import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { type ReleaseRouteDeps, releaseStream } from '../release-commands.js';
import { ReleaseIdParams, ReleaseView, releaseView } from '../release-view.js';

/** POST /releases/:id/freeze — code freeze (P1/P4): the scope is fixed as it stands. Honours If-Match. */
export const freezeReleaseRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, { commands, now }) => {
  app.post(
    '/releases/:id/freeze',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Freeze a release',
        description: 'Code freeze (P1/P4): the scope is fixed as it stands. Honours If-Match.',
        tags: ['releases'],
        params: ReleaseIdParams,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        releaseStream(request.params.id),
        { type: 'FreezeRelease', actor: ctx.actor, at: ctx.now },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(releaseView(result.state, result.revision));
    },
  );
};
