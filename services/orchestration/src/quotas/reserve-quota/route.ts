import { QuotaDemand, QuotaExcess, quotaStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { QuotaRouteDeps } from '../quota-store.js';
import { QuotaParams } from '../quota-view.js';

const Body = z.strictObject({
  deploymentId: z.string().trim().min(1).max(200),
  demand: QuotaDemand.describe('Instances, CPU and memory units the deployment declares.'),
});
const Answer = z.object({
  deploymentId: z.string(),
  status: z.enum(['reserved', 'queued']),
  exceeded: z.array(QuotaExcess).describe('When queued: which limits and by how much.'),
});

/**
 * POST /quotas/:team/:environment/reservations — a deployment takes its share of the quota: 201 reserved; over
 * quota, 202 queued (quota in queue mode) or 409 ORCHESTRATION_QUOTA_EXCEEDED naming each limit and the excess.
 */
export const reserveQuotaRoute: FastifyPluginAsyncZod<QuotaRouteDeps> = async (app, { commands, now }) => {
  app.post(
    '/quotas/:team/:environment/reservations',
    {
      config: { roles: ['deployer', 'deployment-lead'] },
      schema: {
        summary: 'Reserve quota for a deployment',
        tags: ['quotas'],
        params: QuotaParams,
        body: Body,
        response: { 201: Answer, 202: Answer },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { team, environment } = request.params;
      const result = await commands.handle(
        quotaStream(team, environment),
        { type: 'ReserveQuota', ...request.body },
        ctx,
      );
      const queued = result.events.find((e) => e.type === 'QuotaReservationQueued');
      return reply
        .code(queued ? 202 : 201)
        .header('etag', etagOf(result.revision))
        .send({
          deploymentId: request.body.deploymentId,
          status: queued ? 'queued' : 'reserved',
          exceeded: queued ? (queued.data as { exceeded: z.infer<typeof QuotaExcess>[] }).exceeded : [],
        });
    },
  );
};
