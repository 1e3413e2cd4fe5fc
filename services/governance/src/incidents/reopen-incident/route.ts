import { incidentStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type IncidentCommands, IncidentParams, IncidentView, incidentView } from '../incident-commands.js';

/** POST /incidents/:id/reopen — a resolved incident came back (409 when it is open). */
export const reopenIncidentRoute: FastifyPluginAsyncZod<{ commands: IncidentCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/incidents/:id/reopen',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Reopen a resolved incident',
        tags: ['incidents'],
        params: IncidentParams,
        body: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
        response: { 200: IncidentView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        incidentStream(request.params.id),
        { type: 'ReopenIncident', reason: request.body.reason, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(incidentView(result.state, result.revision));
    },
  );
};
