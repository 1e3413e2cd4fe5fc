import { IncidentCause, IncidentSeverity, incidentStream, Safeguard } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type IncidentCommands, IncidentParams, IncidentView, incidentView } from '../incident-commands.js';

const Body = z.strictObject({
  severity: IncidentSeverity,
  cause: IncidentCause.describe(
    'change_induced: code, config, infrastructure, data-migration, feature-flag; non_change: provider, capacity, ' +
      'hardware, user-behaviour, security; unknown: cause null.',
  ),
  missingSafeguard: Safeguard.nullable().default(null),
  reason: z.string().trim().min(1).max(2000),
});

/** POST /incidents/:id/classification — severity, cause class and cause, missing safeguard (G4). */
export const classifyIncidentRoute: FastifyPluginAsyncZod<{ commands: IncidentCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/incidents/:id/classification',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Classify an incident',
        tags: ['incidents'],
        params: IncidentParams,
        body: Body,
        response: { 200: IncidentView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        incidentStream(request.params.id),
        { type: 'ClassifyIncident', ...request.body, actor: ctx.actor.id },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(incidentView(result.state, result.revision));
    },
  );
};
