import { randomUUID } from 'node:crypto';
import { rollbackDrillStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { DrillHandler } from '../drill-store.js';
import { ServiceParams } from '../drill-view.js';

const Body = z.strictObject({
  performedAt: z.iso.datetime({ offset: true }),
  timeToRollbackSeconds: z.number().min(0).max(31_536_000),
  dataIntact: z.boolean(),
  issues: z.array(z.string().min(1).max(2000)).max(100),
});
const Recorded = z.object({ drillId: z.uuid(), service: z.string(), nextDueAt: z.string() });

export interface RecordDrillDeps {
  drills: DrillHandler;
  now: () => Date;
}

/** POST /services/:service/drills — record a rollback drill's result; the next one falls due an interval later. */
export const recordDrillRoute: FastifyPluginAsyncZod<RecordDrillDeps> = async (app, { drills, now }) => {
  app.post(
    '/services/:service/drills',
    {
      config: { roles: ['sre', 'release-manager', 'admin'] },
      schema: {
        summary: 'Record a rollback drill',
        tags: ['drills'],
        params: ServiceParams,
        body: Body,
        response: { 201: Recorded },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { service } = request.params;
      const drillId = randomUUID();
      const result = await drills.handle(
        rollbackDrillStream(service),
        { type: 'RecordDrill', drillId, service, ...request.body, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      const nextDueAt = result.state.nextDueAt ?? '';
      return reply.status(201).header('etag', etagOf(result.revision)).send({ drillId, service, nextDueAt });
    },
  );
};
