import { QuotaLimits, quotaStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { QuotaRouteDeps } from '../quota-store.js';
import { QuotaParams, QuotaView, quotaView } from '../quota-view.js';

const Body = z.strictObject({
  limits: QuotaLimits.describe('Concurrent deployments, instances, CPU and memory units; none below zero.'),
  whenExceeded: z.enum(['refuse', 'queue']).default('refuse'),
});

/** PUT /quotas/:team/:environment — a team's limits in an environment (E5); raising them admits waiting deployments. */
export const setQuotaRoute: FastifyPluginAsyncZod<QuotaRouteDeps> = async (app, { commands, now }) => {
  app.put(
    '/quotas/:team/:environment',
    {
      config: { roles: ['sre'] },
      schema: {
        summary: 'Set a quota',
        tags: ['quotas'],
        params: QuotaParams,
        body: Body,
        response: { 200: QuotaView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { team, environment } = request.params;
      const result = await commands.handle(
        quotaStream(team, environment),
        { type: 'SetQuota', team, environment, ...request.body, actor: ctx.actor.id },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a set quota exists');
      return reply.header('etag', etagOf(result.revision)).send(quotaView(result.state, result.revision));
    },
  );
};
