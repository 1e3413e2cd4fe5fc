import { GovernanceErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { IncidentParams, IncidentView, incidentView, loadIncident } from '../incident-commands.js';

const Timeline = z.array(
  z.object({
    eventId: z.string(),
    type: z.string(),
    at: z.string().describe('When it happened.'),
    recordedAt: z.string().describe('When governance recorded it.'),
    actor: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
);

/** GET /incidents/:id — the incident folded from its stream, with its timeline (every event of the stream). */
export const getIncidentRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/incidents/:id',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'auditor', 'analyst', 'developer'] },
      schema: {
        summary: 'An incident and its timeline',
        tags: ['incidents'],
        params: IncidentParams,
        response: { 200: IncidentView.extend({ timeline: Timeline }) },
      },
    },
    async (request, reply) => {
      const loaded = await loadIncident(store, request.params.id);
      if (!loaded.state.exists) throw notFound(Codes.INCIDENT_NOT_FOUND, 'No incident with this id.');
      const timeline = loaded.events.map((e) => ({
        eventId: e.id,
        type: e.type,
        at: e.metadata.occurredAt,
        recordedAt: e.createdAt.toISOString(),
        actor: e.metadata.actor.id,
        data: e.data,
      }));
      return reply
        .header('etag', etagOf(loaded.revision))
        .send({ ...incidentView(loaded.state, loaded.revision), timeline });
    },
  );
};
