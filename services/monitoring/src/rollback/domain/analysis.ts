import type {
  AnalysisMetricSpec,
  AnalysisTemplate,
  Measurement,
  RollbackThresholds,
  SampleSummary,
} from '@railyard/contracts';

/**
 * Analysis runs as Argo Rollouts' AnalysisRun evaluates them (argoproj/argo-rollouts, utils/analysis and
 * analysis/analysis.go): each measurement is Successful, Failed, Inconclusive or Error; a metric is Failed when its
 * failed measurements exceed failureLimit, Inconclusive past inconclusiveLimit, Error past consecutiveErrorLimit
 * consecutive errors; the run is the worst of its metrics, Successful < Inconclusive < Error < Failed.
 * Two deliberate departures, from the complaints in Argo's and Flagger's trackers (no-traffic canaries rolled back,
 * #1905; empty results aborting rollouts, #1466; all-error runs reported Successful, #4479): "no data" is a phase of
 * its own (Nodata) that never counts against a metric, and a metric that only ever erred ends Error, not Successful.
 */

export type Phase = 'Successful' | 'Inconclusive' | 'Error' | 'Failed' | 'Nodata';
const RANK: Record<Exclude<Phase, 'Nodata'>, number> = { Successful: 0, Inconclusive: 1, Error: 2, Failed: 3 };

/** The samples a metric saw in its window, as the source answered them. */
export type Observed = { kind: 'samples'; samples: { at: Date; value: number }[] } | { kind: 'error'; message: string };

/** The canary judgement's score below which a canary fails (Kayenta's documented marginal threshold). */
export const CANARY_THRESHOLDS = { pass: 95, marginal: 75 } as const;

/**
 * The metrics a release's criteria ask to watch for a deployment (P6 → M6); with a baseline (the rollback target
 * still serving), also a Kayenta canary judgement of error rate and latency against it.
 */
export function metricsFromCriteria(criteria: RollbackThresholds, hasBaseline = false): AnalysisMetricSpec[] {
  const { errorRate, latency, healthChecks } = criteria;
  return [
    ...(hasBaseline
      ? [
          {
            metric: 'canary',
            kind: 'canary' as const,
            threshold: CANARY_THRESHOLDS.marginal,
            windowSeconds: Math.max(errorRate.windowSeconds, latency.windowSeconds),
            percentile: latency.percentile,
          },
        ]
      : []),
    {
      metric: 'error-rate',
      kind: 'error-rate',
      threshold: errorRate.maxPercent,
      windowSeconds: errorRate.windowSeconds,
      percentile: null,
    },
    {
      metric: `latency-p${latency.percentile}`,
      kind: 'latency',
      threshold: latency.maxMs,
      windowSeconds: latency.windowSeconds,
      percentile: latency.percentile,
    },
    {
      metric: 'health',
      kind: 'health-check',
      threshold: healthChecks.maxConsecutiveFailures,
      // Twice the span the failures need, so a run of failures is seen whole between two measurements.
      windowSeconds: healthChecks.intervalSeconds * healthChecks.maxConsecutiveFailures * 2,
      percentile: null,
    },
    ...criteria.dataIntegrityChecks.map((check) => ({
      metric: `data-integrity:${check}`,
      kind: 'data-integrity' as const,
      threshold: 0,
      windowSeconds: Math.max(errorRate.windowSeconds, latency.windowSeconds),
      percentile: null,
    })),
  ];
}

function summary(values: number[]): SampleSummary {
  if (values.length === 0) return { count: 0, min: null, max: null, mean: null, last: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { count: values.length, min: Math.min(...values), max: Math.max(...values), mean, last: values.at(-1)! };
}

/**
 * One measurement of one metric from the samples in its window:
 * - error rate and latency: the window's mean against the threshold (above it fails);
 * - health checks: the trailing run of failed checks (value 0) against the consecutive failures allowed;
 * - data-integrity checks: the last count of violations (any fails).
 * No samples → Nodata; a source error → Error. Neither ever fails a metric.
 */
export function measure(spec: AnalysisMetricSpec, observed: Observed): Measurement {
  const base = { metric: spec.metric, kind: spec.kind, threshold: spec.threshold, windowSeconds: spec.windowSeconds };
  if (observed.kind === 'error') {
    return {
      ...base,
      phase: 'Error',
      value: null,
      samples: summary([]),
      firstBadSampleAt: null,
      judgementId: null,
      message: observed.message.slice(0, 2000),
    };
  }
  const samples = observed.samples;
  const values = samples.map((s) => s.value);
  const stats = summary(values);
  if (samples.length === 0) {
    return {
      ...base,
      phase: 'Nodata',
      value: null,
      samples: stats,
      firstBadSampleAt: null,
      judgementId: null,
      message: `no samples of ${spec.metric} in the last ${spec.windowSeconds} s`,
    };
  }
  let value: number;
  let failed: boolean;
  let firstBad: Date | undefined;
  if (spec.kind === 'health-check') {
    let trailing = 0;
    while (trailing < values.length && values[values.length - 1 - trailing]! < 1) trailing++;
    value = trailing;
    failed = trailing >= spec.threshold;
    firstBad = trailing > 0 ? samples[samples.length - trailing]!.at : undefined;
  } else if (spec.kind === 'data-integrity') {
    value = stats.last!;
    failed = value > spec.threshold;
    firstBad = samples.find((s) => s.value > spec.threshold)?.at;
  } else {
    value = stats.mean!;
    failed = value > spec.threshold;
    firstBad = samples.find((s) => s.value > spec.threshold)?.at;
  }
  const what = { 'health-check': 'consecutive failed checks', 'data-integrity': 'violations', canary: 'score' }[
    spec.kind as string
  ];
  const cmp = spec.kind === 'health-check' ? (failed ? '≥' : '<') : failed ? '>' : '≤';
  return {
    ...base,
    phase: failed ? 'Failed' : 'Successful',
    value,
    samples: stats,
    firstBadSampleAt: failed && firstBad ? firstBad.toISOString() : null,
    judgementId: null,
    message: `${spec.metric}: ${what ?? `mean over ${spec.windowSeconds} s`} ${value} ${cmp} ${spec.threshold}`,
  };
}

export interface MetricTally {
  metric: string;
  phase: Phase | 'Running';
  measured: number;
  failed: number;
  inconclusive: number;
  errors: number;
  nodata: number;
  consecutiveErrors: number;
}

/** Tallies a metric's measurements so far and says whether the limits already decide it (Argo's order). */
export function tally(
  metric: string,
  phases: Phase[],
  template: Pick<AnalysisTemplate, 'count' | 'failureLimit' | 'inconclusiveLimit' | 'consecutiveErrorLimit'>,
): MetricTally {
  let failed = 0;
  let inconclusive = 0;
  let errors = 0;
  let nodata = 0;
  let consecutiveErrors = 0;
  for (const p of phases) {
    if (p === 'Failed') failed++;
    if (p === 'Inconclusive') inconclusive++;
    if (p === 'Nodata') nodata++;
    if (p === 'Error') {
      errors++;
      consecutiveErrors++;
    } else consecutiveErrors = 0;
  }
  const t = { metric, measured: phases.length, failed, inconclusive, errors, nodata, consecutiveErrors };
  if (failed > template.failureLimit) return { ...t, phase: 'Failed' };
  if (consecutiveErrors > template.consecutiveErrorLimit) return { ...t, phase: 'Error' };
  if (inconclusive > template.inconclusiveLimit) return { ...t, phase: 'Inconclusive' };
  if (phases.length < template.count) return { ...t, phase: 'Running' };
  if (nodata === phases.length) return { ...t, phase: 'Nodata' };
  if (errors + nodata === phases.length) return { ...t, phase: 'Error' };
  return { ...t, phase: 'Successful' };
}

/**
 * The run's phase from its metrics: Running while any metric runs and none is decided bad; otherwise the worst
 * metric, leaving out metrics without data (Nodata only when every metric had none). A metric decided bad ends the
 * run at once, as Argo terminates a run when a metric fails.
 */
export function runPhase(metrics: MetricTally[]): Phase | 'Running' {
  const decided = metrics.filter((m) => m.phase !== 'Running' && m.phase !== 'Nodata' && m.phase !== 'Successful');
  if (decided.length === 0 && metrics.some((m) => m.phase === 'Running')) return 'Running';
  const counted = metrics.filter((m) => m.phase !== 'Nodata' && m.phase !== 'Running') as { phase: Phase }[];
  if (counted.length === 0) return 'Nodata';
  return counted.reduce<Exclude<Phase, 'Nodata'>>((worst, m) => {
    const p = m.phase as Exclude<Phase, 'Nodata'>;
    return RANK[p] > RANK[worst] ? p : worst;
  }, 'Successful');
}

/** A canary judgement as the canary capability answers it (its id, per-metric classes, score and verdict). */
export interface CanaryOutcome {
  judgementId: string;
  score: number;
  verdict: 'Pass' | 'Marginal' | 'Fail';
  metrics: { name: string; classification: string; reason: string }[];
  canarySamples: number[];
}

/**
 * The canary metric's measurement from a judgement: Pass → Successful, Marginal → Inconclusive, Fail → Failed. When
 * half the judged metrics or more had no data, Kayenta forces the score to 0; here that is Nodata instead, so a
 * canary without traffic is never rolled back.
 */
export function canaryMeasurement(spec: AnalysisMetricSpec, outcome: CanaryOutcome | { error: string }): Measurement {
  const base = { metric: spec.metric, kind: spec.kind, threshold: spec.threshold, windowSeconds: spec.windowSeconds };
  if ('error' in outcome) {
    return {
      ...base,
      phase: 'Error',
      value: null,
      samples: summary([]),
      firstBadSampleAt: null,
      judgementId: null,
      message: outcome.error.slice(0, 2000),
    };
  }
  const nodata = outcome.metrics.filter(
    (m) => m.classification === 'Nodata' || m.classification === 'NodataFailMetric',
  );
  const phase =
    nodata.length * 2 >= outcome.metrics.length
      ? 'Nodata'
      : outcome.verdict === 'Pass'
        ? 'Successful'
        : outcome.verdict === 'Marginal'
          ? 'Inconclusive'
          : 'Failed';
  const classes = outcome.metrics.map((m) => `${m.name} ${m.classification}`).join(', ');
  return {
    ...base,
    phase,
    value: outcome.score,
    samples: summary(outcome.canarySamples),
    firstBadSampleAt: null,
    judgementId: outcome.judgementId,
    message: `canary judged ${outcome.verdict} (score ${outcome.score}; ${classes})`.slice(0, 2000),
  };
}
