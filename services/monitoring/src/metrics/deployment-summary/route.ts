import { MonitoringErrorCodes, notFound, SampleSummary } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type MetricsSource, summarise } from '../domain/metrics-source.js';

/** What the summary needs of a deployment: its service, environment, versions and when it ran. */
export interface SummarisedDeployment {
  service: string;
  environment: string;
  version: string;
  baselineVersion: string | null;
  scheduledAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const Params = z.strictObject({ deploymentId: z.uuid() });
const Query = z.strictObject({
  metrics: z
    .string()
    .regex(/^[a-z0-9.:,-]+$/)
    .default('error-rate,latency-p95,latency-p99,sessions')
    .describe('Comma-separated metric names.'),
});
const MetricSummary = z.object({ metric: z.string(), error: z.string().nullable(), summary: SampleSummary });
const View = z.object({
  deploymentId: z.uuid(),
  service: z.string(),
  environment: z.string(),
  from: z.string(),
  to: z.string(),
  versions: z.array(
    z.object({ version: z.string(), role: z.enum(['deployed', 'baseline']), metrics: z.array(MetricSummary) }),
  ),
});

/** GET /deployments/:deploymentId/metrics — per version (deployed and baseline), a summary of each metric while it ran. */
export const deploymentSummaryRoute: FastifyPluginAsyncZod<{
  source: MetricsSource;
  deployment: (id: string) => Promise<SummarisedDeployment | undefined>;
  now: () => Date;
}> = async (app, { source, deployment, now }) => {
  app.get(
    '/deployments/:deploymentId/metrics',
    {
      schema: {
        summary: "Summarise a deployment's metrics per version",
        tags: ['metrics'],
        params: Params,
        querystring: Query,
        response: { 200: View },
      },
    },
    async (request) => {
      const { deploymentId } = request.params;
      const d = await deployment(deploymentId);
      if (!d) throw notFound(MonitoringErrorCodes.DEPLOYMENT_UNKNOWN, 'No such deployment is known.');
      const from = d.startedAt ?? d.scheduledAt;
      const to = d.finishedAt ?? now();
      const stepSeconds = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 1000 / 1000));
      const names = [...new Set(request.query.metrics.split(',').filter(Boolean))].slice(0, 20);
      const versions = [
        { version: d.version, role: 'deployed' as const },
        ...(d.baselineVersion ? [{ version: d.baselineVersion, role: 'baseline' as const }] : []),
      ];
      return {
        deploymentId,
        service: d.service,
        environment: d.environment,
        from: from.toISOString(),
        to: to.toISOString(),
        versions: await Promise.all(
          versions.map(async (v) => ({
            ...v,
            metrics: await Promise.all(
              names.map(async (metric) => {
                const r = await source.query({
                  metric,
                  service: d.service,
                  environment: d.environment,
                  version: v.version,
                  start: from,
                  end: to,
                  stepSeconds,
                });
                return {
                  metric,
                  error: r.kind === 'error' ? r.message : null,
                  summary: summarise(r.kind === 'samples' ? r.samples : []),
                };
              }),
            ),
          })),
        ),
      };
    },
  );
};
