import { randomUUID } from 'node:crypto';
import { anomalyStream, EnvironmentName, ServiceNameSchema } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { AnomalyCommands } from '../anomaly-commands.js';

const Body = z.strictObject({
  service: ServiceNameSchema,
  environment: EnvironmentName.optional(),
  deploymentId: z.uuid().optional(),
  releaseId: z.uuid().optional(),
  severity: z.enum(['critical', 'error', 'warning', 'info']),
  summary: z.string().min(1).max(1024),
  source: z.enum(['alert', 'analysis', 'journey', 'health-check', 'rollback']).default('analysis'),
});

/** POST /anomalies — opens an anomaly by hand (or from a tool); alerts open theirs on their own. */
export const openAnomalyRoute: FastifyPluginAsyncZod<{ commands: AnomalyCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/anomalies',
    {
      config: { roles: ['sre', 'deployment-lead'] },
      schema: {
        summary: 'Open an anomaly',
        description: 'Unresolved after ESCALATE_AFTER_MINUTES, it is sent to PagerDuty as an Events v2 trigger.',
        tags: ['escalation'],
        body: Body,
        response: { 201: z.object({ anomalyId: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const anomalyId = randomUUID();
      const b = request.body;
      const result = await commands.handle(
        anomalyStream(anomalyId),
        {
          type: 'OpenAnomaly',
          actor: ctx.actor,
          opened: {
            anomalyId,
            source: b.source,
            service: b.service,
            environment: b.environment ?? null,
            deploymentId: b.deploymentId ?? null,
            releaseId: b.releaseId ?? null,
            severity: b.severity,
            summary: b.summary,
            openedAt: ctx.now.toISOString(),
          },
        },
        ctx,
        { newStream: true },
      );
      return reply
        .code(201)
        .header('location', `/anomalies/${anomalyId}`)
        .header('etag', etagOf(result.revision))
        .send({ anomalyId });
    },
  );
};
