import { incidentStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type IncidentCommands, IncidentParams, IncidentView, incidentView } from '../incident-commands.js';

/** POST /incidents/:id/resolve — the incident is over (409 when it already is). */
export const resolveIncidentRoute: FastifyPluginAsyncZod<{ commands: IncidentCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/incidents/:id/resolve',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Resolve an incident',
        tags: ['incidents'],
        params: IncidentParams,
        body: z.strictObject({ resolution: z.string().trim().min(1).max(2000) }),
        response: { 200: IncidentView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        incidentStream(request.params.id),
        { type: 'ResolveIncident', resolution: request.body.resolution, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(incidentView(result.state, result.revision));
    },
  );
};
