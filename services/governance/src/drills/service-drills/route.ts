import { GovernanceErrorCodes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { loadDrills } from '../drill-store.js';
import { DrillScheduleView, ServiceParams } from '../drill-view.js';

const Drill = z.object({
  drillId: z.string(),
  performedAt: z.string(),
  timeToRollbackSeconds: z.number(),
  dataIntact: z.boolean(),
  issues: z.array(z.string()),
  recordedBy: z.string(),
});

export interface ServiceDrillsDeps {
  store: EventStore;
  now: () => Date;
}

/** GET /services/:service/drills — a service's schedule and every drill recorded, folded from its stream. */
export const serviceDrillsRoute: FastifyPluginAsyncZod<ServiceDrillsDeps> = async (app, { store, now }) => {
  app.get(
    '/services/:service/drills',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'auditor', 'developer'] },
      schema: {
        summary: "A service's rollback drills",
        tags: ['drills'],
        params: ServiceParams,
        response: { 200: DrillScheduleView.extend({ drills: z.array(Drill) }) },
      },
    },
    async (request) => {
      const { service } = request.params;
      const { state: s, events } = await loadDrills(store, service);
      if (events.length === 0) {
        throw notFound(GovernanceErrorCodes.DRILL_SERVICE_UNKNOWN, `No drill schedule or drill for ${service}.`);
      }
      return {
        service,
        intervalDays: s.intervalDays,
        nextDueAt: s.nextDueAt,
        overdue: s.nextDueAt !== null && new Date(s.nextDueAt) <= now(),
        overdueDeclaredFor: s.overdueFor,
        lastPerformedAt: s.drills.at(-1)?.performedAt ?? null,
        drills: s.drills,
      };
    },
  );
};
