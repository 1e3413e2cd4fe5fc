import { rollbackDrillStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { DrillHandler } from '../drill-store.js';
import { DrillScheduleView, ServiceParams } from '../drill-view.js';

const Body = z.strictObject({
  intervalDays: z.number().int().min(1).max(366).optional().describe('Days between drills; default 91 (quarterly).'),
  nextDueAt: z.iso.datetime({ offset: true }).optional().describe('Default: one interval after the last drill.'),
  reason: z.string().min(1).max(2000),
});

export interface ScheduleDrillsDeps {
  drills: DrillHandler;
  now: () => Date;
}

/** PUT /services/:service/drill-schedule — set how often a service drills its rollback, and when next (G6). */
export const scheduleDrillsRoute: FastifyPluginAsyncZod<ScheduleDrillsDeps> = async (app, { drills, now }) => {
  app.put(
    '/services/:service/drill-schedule',
    {
      config: { roles: ['sre', 'release-manager', 'admin'] },
      schema: {
        summary: "Set a service's rollback drill schedule",
        tags: ['drills'],
        params: ServiceParams,
        body: Body,
        response: { 200: DrillScheduleView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { service } = request.params;
      const result = await drills.handle(
        rollbackDrillStream(service),
        { type: 'ScheduleDrills', service, ...request.body, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      const s = result.state;
      return reply.header('etag', etagOf(result.revision)).send({
        service,
        intervalDays: s.intervalDays,
        nextDueAt: s.nextDueAt,
        overdue: s.nextDueAt !== null && new Date(s.nextDueAt) <= ctx.now,
        overdueDeclaredFor: s.overdueFor,
        lastPerformedAt: s.drills.at(-1)?.performedAt ?? null,
      });
    },
  );
};
