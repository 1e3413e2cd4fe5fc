import { Actor, type EventCatalogue, pipelineRunEvents } from '@railyard/contracts';
import { type EventStore, upcastRecorded } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { loadRun, runStream } from '../run-commands.js';
import { RunParams } from '../run-view.js';

const AuditEntry = z.object({
  eventId: z.uuid(),
  revision: z.number().int(),
  position: z.string().describe('The global position in the store (a decimal string).'),
  type: z.string(),
  occurredAt: z.string(),
  actor: Actor,
  reason: z.string(),
  correlationId: z.string(),
  data: z.record(z.string(), z.unknown()),
});
const AuditTrail = z.object({ runId: z.uuid(), entries: z.array(AuditEntry) });

/** GET /runs/:id/audit — every action on the run, in order: the run's own stream, so it matches `railyard stream`. */
export const auditRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/runs/:id/audit',
    {
      config: { roles: ['auditor', 'release-manager', 'deployment-lead', 'sre', 'developer', 'deployer', 'approver'] },
      schema: {
        summary: 'The audit trail of a run (L7)',
        tags: ['audit'],
        params: RunParams,
        response: { 200: AuditTrail },
      },
    },
    async (request) => {
      const { id } = request.params;
      await loadRun(store, id);
      const events = (await store.readStream(runStream(id), { verify: true })).map((e) =>
        upcastRecorded(pipelineRunEvents as unknown as EventCatalogue, e),
      );
      return {
        runId: id,
        entries: events.map((e) => ({
          eventId: e.id,
          revision: Number(e.revision),
          position: e.position.toString(),
          type: e.type,
          occurredAt: e.metadata.occurredAt,
          actor: e.metadata.actor,
          reason: String(e.data.reason ?? ''),
          correlationId: e.metadata.correlationId,
          data: e.data,
        })),
      };
    },
  );
};
