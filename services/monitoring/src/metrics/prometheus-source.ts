import { z } from 'zod';
import type { MetricQuery, MetricResult, MetricsSource } from './domain/metrics-source.js';
import { type PromqlTemplates, renderPromql, TemplateError, templateFor } from './domain/promql-templates.js';

/** Prometheus HTTP API, `GET /api/v1/query_range` (prometheus.io/docs/prometheus/latest/querying/api). */
const RangeResponse = z.object({
  status: z.enum(['success', 'error']),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.array(
        z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) }),
      ),
    })
    .optional(),
});

export interface PrometheusSourceOptions {
  url: string;
  templates: PromqlTemplates;
  /** The rate window rendered as `{{window}}`. */
  window: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A metrics source over Prometheus: each metric's PromQL template rendered for the series' labels, evaluated over the
 * range. A Prometheus that is down, slow or answers an error gives an error result (an Error measurement, never a
 * rollback); an empty matrix or NaN points (0/0 without traffic) give no samples (Nodata).
 */
export function prometheusSource(options: PrometheusSourceOptions): {
  query(q: MetricQuery, template?: string): Promise<MetricResult>;
  has(metric: string): boolean;
  render(q: Pick<MetricQuery, 'metric' | 'service' | 'environment' | 'version'>, template?: string): string;
} {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, '');
  const render: ReturnType<typeof prometheusSource>['render'] = (q, template) => {
    const found = templateFor(template ? { [q.metric]: template, latency: template } : options.templates, q.metric);
    if (!found) throw new TemplateError(`no PromQL template for ${q.metric}`);
    return renderPromql(found.template, q, { window: options.window, quantile: found.quantile });
  };
  return {
    has: (metric) => templateFor(options.templates, metric) !== undefined,
    render,
    async query(q: MetricQuery, template?: string): Promise<MetricResult> {
      let promql: string;
      try {
        promql = render(q, template);
      } catch (error) {
        return { kind: 'error', message: `template: ${(error as Error).message}` };
      }
      const params = new URLSearchParams({
        query: promql,
        start: (q.start.getTime() / 1000).toString(),
        end: (q.end.getTime() / 1000).toString(),
        step: `${q.stepSeconds}s`,
      });
      let body: unknown;
      try {
        const res = await doFetch(`${base}/api/v1/query_range?${params}`, {
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
        body = await res.json().catch(() => undefined);
        if (!res.ok && !(body as { error?: string })?.error) {
          return { kind: 'error', message: `prometheus answered ${res.status}` };
        }
      } catch (error) {
        return { kind: 'error', message: `prometheus unreachable: ${(error as Error).message}` };
      }
      const parsed = RangeResponse.safeParse(body);
      if (!parsed.success)
        return { kind: 'error', message: 'prometheus answered something that is not a range result' };
      if (parsed.data.status === 'error' || !parsed.data.data) {
        return { kind: 'error', message: `prometheus: ${parsed.data.error ?? 'error'}` };
      }
      const series = parsed.data.data.result;
      // Templates aggregate to one series; should one not, the series are laid end to end in time order.
      const samples = series
        .flatMap((s) => s.values)
        .map(([t, v]) => ({ at: new Date(t * 1000), value: Number(v) }))
        .filter((s) => Number.isFinite(s.value))
        .sort((a, b) => a.at.getTime() - b.at.getTime());
      return { kind: 'samples', samples };
    },
  };
}
export type PrometheusSource = ReturnType<typeof prometheusSource>;

/** Prometheus for the metrics it has a template for, the pushed samples for the others. */
export function combinedSource(pushed: MetricsSource, prometheus?: PrometheusSource): MetricsSource {
  return {
    query: (q) => (prometheus?.has(q.metric) ? prometheus.query(q) : pushed.query(q)),
  };
}
