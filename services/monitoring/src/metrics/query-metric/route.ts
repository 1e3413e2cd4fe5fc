import { EnvironmentName, invalid, MonitoringErrorCodes, SampleSummary, ServiceNameSchema } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type MetricsSource, summarise } from '../domain/metrics-source.js';
import { TemplateError } from '../domain/promql-templates.js';
import type { PrometheusSource } from '../prometheus-source.js';

const Body = z
  .strictObject({
    metric: z
      .string()
      .regex(/^(error-rate|sessions|health|latency-p\d{2}(\.\d+)?|data-integrity:[a-z0-9][a-z0-9._-]{0,99})$/),
    service: ServiceNameSchema,
    environment: EnvironmentName,
    version: z.string().min(1).max(256),
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    stepSeconds: z.number().int().min(1).max(86_400).default(15),
    template: z
      .string()
      .min(1)
      .max(4000)
      .optional()
      .describe('A PromQL template to try instead of the configured one.'),
  })
  .refine((b) => Date.parse(b.start) <= Date.parse(b.end), { message: 'start must not be after end', path: ['start'] })
  .refine((b) => (Date.parse(b.end) - Date.parse(b.start)) / 1000 / b.stepSeconds <= 11_000, {
    message: 'more than 11,000 points (Prometheus refuses those): widen the step',
    path: ['stepSeconds'],
  });

const Answer = z.object({
  metric: z.string(),
  source: z.enum(['prometheus', 'pushed']),
  promql: z.string().nullable(),
  error: z.string().nullable().describe('The source failed: an analysis would measure Error, never roll back.'),
  samples: z.array(z.object({ at: z.string(), value: z.number() })),
  summary: SampleSummary,
});

/**
 * POST /metrics/query — one metric of one series over a range, through the source analysis runs use: Prometheus
 * (`/api/v1/query_range` with the metric's PromQL template rendered) or the pushed samples.
 */
export const queryMetricRoute: FastifyPluginAsyncZod<{ source: MetricsSource; prometheus?: PrometheusSource }> = async (
  app,
  { source, prometheus },
) => {
  app.post(
    '/metrics/query',
    {
      config: { roles: ['sre', 'deployment-lead', 'deployer', 'release-manager'] },
      schema: {
        summary: 'Query a metric of a service version',
        description:
          'Templates name `{{service}}`, `{{environment}}`, `{{version}}`, `{{window}}` and `{{quantile}}`; one that ' +
          'does not render (unknown placeholder, unbalanced brackets) is refused with 422 ' +
          '`MONITORING_METRIC_TEMPLATE_INVALID` before anything is asked of Prometheus.',
        tags: ['metrics'],
        body: Body,
        response: { 200: Answer },
      },
    },
    async (request) => {
      const { template, ...b } = request.body;
      const q = { ...b, start: new Date(b.start), end: new Date(b.end) };
      const viaPrometheus = prometheus && (template !== undefined || prometheus.has(b.metric));
      if (template !== undefined && !prometheus) {
        throw invalid(MonitoringErrorCodes.METRIC_TEMPLATE_INVALID, 'No Prometheus is configured to run a template.');
      }
      let promql: string | null = null;
      if (viaPrometheus) {
        try {
          promql = prometheus.render(q, template);
        } catch (error) {
          if (error instanceof TemplateError)
            throw invalid(MonitoringErrorCodes.METRIC_TEMPLATE_INVALID, error.message);
          throw error;
        }
      }
      const result = viaPrometheus ? await prometheus.query(q, template) : await source.query(q);
      const samples = result.kind === 'samples' ? result.samples : [];
      return {
        metric: b.metric,
        source: viaPrometheus ? ('prometheus' as const) : ('pushed' as const),
        promql,
        error: result.kind === 'error' ? result.message : null,
        samples: samples.map((s) => ({ at: s.at.toISOString(), value: s.value })),
        summary: summarise(samples),
      };
    },
  );
};
