import type { SampleSummary } from '@railyard/contracts';

/** A metric series' labels: which service, in which environment, at which version (M4). */
export interface SeriesLabels {
  service: string;
  environment: string;
  version: string;
}

/**
 * The metrics monitoring knows by name: `error-rate` (percent of requests failing), `latency-p<NN>` (the NN-th
 * percentile of request latency, ms), `sessions` (active sessions), `health` (1 up, 0 down) and
 * `data-integrity:<check>` (violations found by a named check).
 */
export type MetricName = string;

export interface MetricQuery extends SeriesLabels {
  metric: MetricName;
  start: Date;
  end: Date;
  stepSeconds: number;
}

export interface Sample {
  at: Date;
  value: number;
}

/** What a source answered: samples (possibly none: no data), or an error (the source is down, a query failed). */
export type MetricResult = { kind: 'samples'; samples: Sample[] } | { kind: 'error'; message: string };

/** Where samples come from: Prometheus, or the samples pushed to this service. */
export interface MetricsSource {
  query(q: MetricQuery): Promise<MetricResult>;
}

/** count, min, max, mean and last of a series (the evidence a rollback carries). */
export function summarise(samples: readonly Sample[]): SampleSummary {
  if (samples.length === 0) return { count: 0, min: null, max: null, mean: null, last: null };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const s of samples) {
    min = Math.min(min, s.value);
    max = Math.max(max, s.value);
    sum += s.value;
  }
  return { count: samples.length, min, max, mean: sum / samples.length, last: samples.at(-1)!.value };
}

/** The metric name of a latency percentile: 95 → `latency-p95`, 99.9 → `latency-p99.9`. */
export const latencyMetric = (percentile: number) => `latency-p${percentile}`;
/** The metric name of a data-integrity check. */
export const integrityMetric = (check: string) => `data-integrity:${check}`;
