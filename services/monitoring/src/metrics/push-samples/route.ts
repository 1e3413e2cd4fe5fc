import { EnvironmentName, ServiceNameSchema } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { PushedSamples } from '../pushed-samples.js';

const MetricName = z
  .string()
  .regex(
    /^(error-rate|sessions|health|latency-p\d{2}(\.\d+)?|data-integrity:[a-z0-9][a-z0-9._-]{0,99})$/,
    'error-rate, sessions, health, latency-pNN or data-integrity:<check>',
  );
const Body = z.strictObject({
  service: ServiceNameSchema,
  environment: EnvironmentName,
  version: z.string().min(1).max(256),
  samples: z
    .array(z.strictObject({ metric: MetricName, at: z.iso.datetime({ offset: true }), value: z.number() }))
    .min(1)
    .max(10_000),
});

/** POST /metrics/samples — JSON samples from sources that have no Prometheus, per service, environment and version. */
export const pushSamplesRoute: FastifyPluginAsyncZod<{ samples: PushedSamples }> = async (app, { samples }) => {
  app.post(
    '/metrics/samples',
    {
      config: { roles: ['sre', 'deployer', 'admin'] },
      schema: {
        summary: 'Push metric samples',
        description:
          'For sources without Prometheus. Every value must be a finite number; a sample already stored for the ' +
          'same series and time is kept, so a retried push adds nothing.',
        tags: ['metrics'],
        body: Body,
        response: { 202: z.object({ received: z.number().int(), stored: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const { service, environment, version } = request.body;
      const byMetric = new Map<string, { at: Date; value: number }[]>();
      for (const s of request.body.samples) {
        const list = byMetric.get(s.metric) ?? [];
        list.push({ at: new Date(s.at), value: s.value });
        byMetric.set(s.metric, list);
      }
      let stored = 0;
      for (const [metric, list] of byMetric)
        stored += await samples.store({ service, environment, version }, metric, list);
      return reply.code(202).send({ received: request.body.samples.length, stored });
    },
  );
};
