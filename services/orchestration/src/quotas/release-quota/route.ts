import { quotaStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { QuotaRouteDeps } from '../quota-store.js';
import { QuotaParams, QuotaView, quotaView } from '../quota-view.js';

const Params = QuotaParams.extend({ deploymentId: z.string().min(1).max(200) });

/** DELETE /quotas/:team/:environment/reservations/:deploymentId — frees the share; waiting deployments get in, oldest first. */
export const releaseQuotaRoute: FastifyPluginAsyncZod<QuotaRouteDeps> = async (app, { commands, now }) => {
  app.delete(
    '/quotas/:team/:environment/reservations/:deploymentId',
    {
      config: { roles: ['deployer', 'deployment-lead'] },
      schema: {
        summary: 'Release a quota reservation',
        tags: ['quotas'],
        params: Params,
        response: { 200: QuotaView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { team, environment, deploymentId } = request.params;
      const result = await commands.handle(quotaStream(team, environment), { type: 'ReleaseQuota', deploymentId }, ctx);
      if (!result.state.exists) throw new TypeError('a released quota exists');
      return reply.header('etag', etagOf(result.revision)).send(quotaView(result.state, result.revision));
    },
  );
};
