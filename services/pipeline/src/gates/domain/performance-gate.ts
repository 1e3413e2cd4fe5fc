import type { GateResult, LoadTestMetrics } from '@railyard/contracts';

/** How far a run's load test may fall behind the baseline before promotion is blocked (fractions). */
export interface PerformanceThresholds {
  /** A latency percentile may grow by at most this fraction of the baseline's (0.1 = 10 %). */
  latencyRegression: number;
  /** Throughput may drop by at most this fraction. */
  throughputDrop: number;
  /** The error rate may grow by at most this many absolute points (0.01 = one percentage point). */
  errorRateIncrease: number;
}

/**
 * Compares a run's load test with the service's baseline (the last accepted release): each latency percentile, the
 * throughput and the error rate. No baseline yet: passes (the first accepted release sets one).
 */
export function evaluatePerformanceGate(
  run: LoadTestMetrics | undefined,
  baseline: LoadTestMetrics | undefined,
  thresholds: PerformanceThresholds,
): GateResult {
  if (!run) {
    return {
      gate: 'performance',
      passed: false,
      rule: 'load-test.required',
      detail: 'No load-test result recorded on the run.',
    };
  }
  if (!baseline) {
    return {
      gate: 'performance',
      passed: true,
      rule: 'baseline.none',
      detail: 'No baseline yet: nothing to regress from.',
    };
  }
  const regressions: string[] = [];
  for (const p of ['p50Ms', 'p95Ms', 'p99Ms'] as const) {
    const limit = baseline[p] * (1 + thresholds.latencyRegression);
    if (run[p] > limit) regressions.push(`${p} ${run[p]} > ${limit.toFixed(1)} (baseline ${baseline[p]})`);
  }
  const minThroughput = baseline.throughputRps * (1 - thresholds.throughputDrop);
  if (run.throughputRps < minThroughput) {
    regressions.push(
      `throughputRps ${run.throughputRps} < ${minThroughput.toFixed(1)} (baseline ${baseline.throughputRps})`,
    );
  }
  const maxErrors = baseline.errorRate + thresholds.errorRateIncrease;
  if (run.errorRate > maxErrors) regressions.push(`errorRate ${run.errorRate} > ${maxErrors.toFixed(4)}`);
  if (regressions.length > 0) {
    return {
      gate: 'performance',
      passed: false,
      rule: 'baseline.regression',
      detail: regressions.join('; '),
      findings: regressions,
    };
  }
  return {
    gate: 'performance',
    passed: true,
    rule: 'baseline.regression',
    detail: 'Within the thresholds of the baseline.',
  };
}
