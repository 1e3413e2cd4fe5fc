import {
  type EventCatalogue,
  ServiceNameSchema,
  serviceOwnershipEvents,
  serviceOwnershipStream,
  TeamName,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { ownershipDecider } from '../domain/ownership.decide.js';

/**
 * PUT /services/:service/team — the team a service belongs to, for DORA per team. Governance keeps this mapping
 * itself: deployments carry no team, and orchestration's quota teams key environments, not services.
 */
export const assignTeamRoute: FastifyPluginAsyncZod<{ store: EventStore; now: () => Date }> = async (
  app,
  { store, now },
) => {
  const commands = createCommandHandler({
    store,
    decider: ownershipDecider,
    catalogue: serviceOwnershipEvents as unknown as EventCatalogue,
  });
  app.put(
    '/services/:service/team',
    {
      config: { roles: ['release-manager', 'admin'] },
      schema: {
        summary: 'Set the team that owns a service',
        tags: ['ownership'],
        params: z.strictObject({ service: ServiceNameSchema }),
        body: z.strictObject({ team: TeamName }),
        response: { 200: z.object({ service: z.string(), team: z.string() }) },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { service } = request.params;
      const result = await commands.handle(
        serviceOwnershipStream(service),
        { type: 'AssignTeam', service, team: request.body.team, actor: ctx.actor.id },
        ctx,
      );
      return reply
        .header('etag', etagOf(result.revision))
        .send({ service, team: result.state.team ?? request.body.team });
    },
  );
};
