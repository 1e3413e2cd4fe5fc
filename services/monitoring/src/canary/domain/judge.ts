import { NoVarianceError, rankSumTest } from './rank-sum.js';

/**
 * The canary judge (M5): the same judgement as Kayenta's NetflixACAJudge (spinnaker/kayenta, kayenta-judge:
 * NetflixACAJudge, MannWhitneyClassifier). Per metric: preprocess, classify with the rank-sum test and the effect
 * size; per group: the share of metrics that passed; overall: the weighted score, classified against the
 * analysis's thresholds. Pure: the same input always gives the same judgement, so a stored one can be re-judged.
 */

export type Direction = 'increase' | 'decrease' | 'either';
export type Classification = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';
export type Verdict = 'Pass' | 'Marginal' | 'Fail';

/** Thresholds on mean(canary) / mean(baseline); Kayenta's defaults are all 1 (any significant shift counts). */
export interface EffectSize {
  allowedIncrease: number;
  allowedDecrease: number;
  criticalIncrease: number;
  criticalDecrease: number;
}

export interface MetricInput {
  name: string;
  /** Samples; `null` is a missing sample (NaN), handled by `nanStrategy`. */
  baseline: readonly (number | null)[];
  canary: readonly (number | null)[];
  /** Which way is bad (default `either`). */
  direction?: Direction;
  /** A critical metric that fails zeroes the score. */
  critical?: boolean;
  /** No data is a failure of the metric (NodataFailMetric) rather than left out (Nodata). */
  mustHaveData?: boolean;
  effectSize?: Partial<EffectSize>;
  /** `remove` (default) drops missing samples, `replace` counts them as 0. */
  nanStrategy?: 'remove' | 'replace';
  /** `remove` drops values beyond `factor` (default 3) interquartile ranges from the quartiles. */
  outliers?: { strategy: 'keep' | 'remove'; factor?: number };
  /** The group the metric scores in (default `default`). */
  group?: string;
}

export interface JudgeInput {
  metrics: readonly MetricInput[];
  /** Weights by group name (0–100); groups without one share what is left of 100. */
  groups?: Readonly<Record<string, number>>;
  /** score ≥ pass → Pass; otherwise score ≥ marginal → Marginal; otherwise Fail. */
  thresholds: { pass: number; marginal: number };
  /** Of the rank-sum interval (default 0.98, Kayenta's). */
  confidence?: number;
  /** The interval must clear ±tolerance × |estimate| (default 0.25, Kayenta's). */
  tolerance?: number;
}

export interface MetricJudgement {
  name: string;
  group: string;
  classification: Classification;
  reason: string;
  critical: boolean;
  /** A critical metric whose failure zeroes the score. */
  criticalFailure: boolean;
  baselineCount: number;
  canaryCount: number;
  baselineMean: number | null;
  canaryMean: number | null;
  /** mean(canary) / mean(baseline); null when the baseline mean is 0 and the canary's is not. */
  ratio: number | null;
  /** Hodges–Lehmann shift canary − baseline, its interval and the test's p-value (when the test ran). */
  estimate: number | null;
  interval: [number, number] | null;
  pValue: number | null;
}

export interface GroupScore {
  name: string;
  weight: number;
  score: number;
}

export interface Judgement {
  metrics: MetricJudgement[];
  groups: GroupScore[];
  score: number;
  verdict: Verdict;
  /** Why the score was forced to 0, if it was. */
  forcedToZero: string | null;
}

/** Raised for a judge input no analysis could use (weights over 100, thresholds out of order). */
export class JudgeInputError extends Error {
  override readonly name = 'JudgeInputError';
}

const DEFAULT_EFFECT: EffectSize = { allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 };

/** Linear-interpolation quantile of a sorted sample (R's type 7, numpy's default). */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** NaN handling, then optional IQR outlier removal (Kayenta's preprocessing). */
export function preprocess(values: readonly (number | null)[], metric: MetricInput): number[] {
  const present =
    metric.nanStrategy === 'replace'
      ? values.map((v) => (v === null || Number.isNaN(v) ? 0 : v))
      : values.filter((v): v is number => v !== null && !Number.isNaN(v));
  if (metric.outliers?.strategy !== 'remove' || present.length < 4) return present;
  const sorted = [...present].sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const reach = (metric.outliers.factor ?? 3) * (q3 - q1);
  return present.filter((v) => v >= q1 - reach && v <= q3 + reach);
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;

function sameElements(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  return sa.every((v, i) => v === sb[i]);
}

function ratioOf(canaryMean: number | null, baselineMean: number | null): number | null {
  if (canaryMean === null || baselineMean === null) return null;
  if (baselineMean === 0) return canaryMean === 0 ? 1 : null;
  return canaryMean / baselineMean;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(4));

/** Classifies one metric (MannWhitneyClassifier's order: no data, identical, the test, then direction and effect). */
export function classifyMetric(metric: MetricInput, confidence = 0.98, tolerance = 0.25): MetricJudgement {
  const baseline = preprocess(metric.baseline, metric);
  const canary = preprocess(metric.canary, metric);
  const critical = metric.critical ?? false;
  const effect = { ...DEFAULT_EFFECT, ...metric.effectSize };
  const baselineMean = mean(baseline);
  const canaryMean = mean(canary);
  const ratio = ratioOf(canaryMean, baselineMean);
  const base = {
    name: metric.name,
    group: metric.group ?? 'default',
    critical,
    baselineCount: baseline.length,
    canaryCount: canary.length,
    baselineMean,
    canaryMean,
    ratio,
    estimate: null,
    interval: null,
    pValue: null,
  };
  if (baseline.length === 0 || canary.length === 0) {
    const side = baseline.length === 0 ? (canary.length === 0 ? 'either side' : 'the baseline') : 'the canary';
    const classification = metric.mustHaveData ? 'NodataFailMetric' : 'Nodata';
    return { ...base, classification, reason: `no data from ${side}`, criticalFailure: critical };
  }
  if (sameElements(baseline, canary)) {
    return { ...base, classification: 'Pass', reason: 'canary and baseline are identical', criticalFailure: false };
  }
  let test: ReturnType<typeof rankSumTest>;
  try {
    test = rankSumTest(canary, baseline, confidence);
  } catch (error) {
    const reason = error instanceof NoVarianceError ? error.message : `the rank-sum test failed: ${String(error)}`;
    return { ...base, classification: 'Error', reason, criticalFailure: false };
  }
  const [lower, upper] = test.interval;
  const bound = tolerance * Math.abs(test.estimate);
  const tested = { ...base, estimate: test.estimate, interval: test.interval, pValue: test.pValue };
  const direction = metric.direction ?? 'either';
  const shift = `shift ${fmt(test.estimate)} (${Math.round(confidence * 100)}% CI ${fmt(lower)} .. ${fmt(upper)})`;
  const effectText = ratio === null ? 'mean ratio undefined' : `mean ratio ${fmt(ratio)}`;
  // An infinite ratio (baseline mean 0) is as large an increase as there is.
  const effective =
    ratio ?? (canaryMean !== null && canaryMean > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
  if ((direction === 'increase' || direction === 'either') && lower > bound && effective >= effect.allowedIncrease) {
    return {
      ...tested,
      classification: 'High',
      reason: `canary higher: ${shift} above +${fmt(bound)}; ${effectText}`,
      criticalFailure: critical && effective >= effect.criticalIncrease,
    };
  }
  if ((direction === 'decrease' || direction === 'either') && upper < -bound && effective <= effect.allowedDecrease) {
    return {
      ...tested,
      classification: 'Low',
      reason: `canary lower: ${shift} below -${fmt(bound)}; ${effectText}`,
      criticalFailure: critical && effective <= effect.criticalDecrease,
    };
  }
  return {
    ...tested,
    classification: 'Pass',
    reason: `no significant ${direction} shift: ${shift}; ${effectText}`,
    criticalFailure: false,
  };
}

/** The whole judgement: every metric, the group scores, the weighted score and the verdict. */
export function judge(input: JudgeInput): Judgement {
  const { pass, marginal } = input.thresholds;
  if (!(marginal >= 0 && pass <= 100 && marginal <= pass)) {
    throw new JudgeInputError('thresholds need 0 ≤ marginal ≤ pass ≤ 100');
  }
  const weights = input.groups ?? {};
  const weighted = Object.values(weights).reduce((s, w) => s + w, 0);
  if (Object.values(weights).some((w) => w < 0) || weighted > 100) {
    throw new JudgeInputError(
      `group weights must be non-negative and add up to at most 100 (they add up to ${weighted})`,
    );
  }
  const metrics = input.metrics.map((m) => classifyMetric(m, input.confidence ?? 0.98, input.tolerance ?? 0.25));

  const names = [...new Set([...metrics.map((m) => m.group), ...Object.keys(weights)])].sort();
  const unweighted = names.filter((g) => weights[g] === undefined);
  if (unweighted.length === 0 && metrics.length > 0 && Math.abs(weighted - 100) > 1e-9) {
    throw new JudgeInputError(
      `every group has a weight, so the weights must add up to 100 (they add up to ${weighted})`,
    );
  }
  const share = unweighted.length > 0 ? (100 - weighted) / unweighted.length : 0;
  const groups: GroupScore[] = names.map((name) => {
    const counted = metrics.filter(
      (m) => m.group === name && ['Pass', 'High', 'Low', 'NodataFailMetric'].includes(m.classification),
    );
    const passed = counted.filter((m) => m.classification === 'Pass').length;
    // Nodata and Error are left out; a group with nothing counted scores 100, as Kayenta's does.
    const score = counted.length === 0 ? 100 : (100 * passed) / counted.length;
    return { name, weight: weights[name] ?? share, score };
  });
  let score = groups.reduce((s, g) => s + (g.score * g.weight) / 100, 0);
  let forcedToZero: string | null = null;
  const criticalFailures = metrics.filter((m) => m.criticalFailure).map((m) => m.name);
  const nodata = metrics.filter((m) => m.classification === 'Nodata' || m.classification === 'NodataFailMetric').length;
  if (criticalFailures.length > 0) forcedToZero = `critical metric failed: ${criticalFailures.join(', ')}`;
  else if (metrics.length > 0 && nodata / metrics.length >= 0.5)
    forcedToZero = `${nodata} of ${metrics.length} metrics have no data`;
  if (forcedToZero) score = 0;
  // Boundaries belong to the better verdict: a score equal to `pass` passes, equal to `marginal` is Marginal.
  const verdict: Verdict = score >= pass ? 'Pass' : score >= marginal ? 'Marginal' : 'Fail';
  return { metrics, groups, score, verdict, forcedToZero };
}
