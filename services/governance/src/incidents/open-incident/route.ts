import { EnvironmentName, IncidentSeverity, incidentStream, ServiceNameSchema } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type IncidentCommands, IncidentView, incidentView } from '../incident-commands.js';

const Body = z.strictObject({
  title: z.string().trim().min(1).max(1024),
  severity: IncidentSeverity,
  service: ServiceNameSchema,
  environment: EnvironmentName.nullable().default(null),
});

/** POST /incidents — opens an incident by hand (escalated anomalies open theirs automatically). */
export const openIncidentRoute: FastifyPluginAsyncZod<{ commands: IncidentCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/incidents',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager'] },
      schema: { summary: 'Open an incident', tags: ['incidents'], body: Body, response: { 201: IncidentView } },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const incidentId = newAggregateId(ctx, 'incident');
      const result = await commands.handle(
        incidentStream(incidentId),
        {
          type: 'OpenIncident',
          incidentId,
          ...request.body,
          source: { kind: 'manual' },
          suspectedDeploymentId: null,
          actor: ctx.actor.id,
          at: ctx.now,
        },
        ctx,
      );
      return reply
        .code(201)
        .header('location', `/incidents/${incidentId}`)
        .header('etag', etagOf(result.revision))
        .send(incidentView(result.state, result.revision));
    },
  );
};
