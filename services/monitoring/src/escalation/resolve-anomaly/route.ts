import { anomalyStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { AnomalyCommands } from '../anomaly-commands.js';

/** POST /anomalies/:anomalyId/resolve — the anomaly cleared; it will not be escalated any more. */
export const resolveAnomalyRoute: FastifyPluginAsyncZod<{ commands: AnomalyCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/anomalies/:anomalyId/resolve',
    {
      config: { roles: ['sre', 'deployment-lead'] },
      schema: {
        summary: 'Resolve an anomaly',
        tags: ['escalation'],
        params: z.strictObject({ anomalyId: z.uuid() }),
        body: z.strictObject({ reason: z.string().min(1).max(2000) }),
        response: { 200: z.object({ anomalyId: z.uuid(), resolvedAt: z.string() }) },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { anomalyId } = request.params;
      const result = await commands.handle(
        anomalyStream(anomalyId),
        { type: 'ResolveAnomaly', actor: ctx.actor, anomalyId, at: ctx.now, reason: request.body.reason, strict: true },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send({ anomalyId, resolvedAt: ctx.now.toISOString() });
    },
  );
};
