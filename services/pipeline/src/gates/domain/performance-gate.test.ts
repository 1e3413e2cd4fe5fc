import { describe, expect, it } from 'vitest';
import { evaluatePerformanceGate } from './performance-gate.js';

const baseline = { p50Ms: 40, p95Ms: 120, p99Ms: 300, throughputRps: 500, errorRate: 0.001 };
const thresholds = { latencyRegression: 0.1, throughputDrop: 0.1, errorRateIncrease: 0.005 };

describe('the performance gate', () => {
  it('passes within the thresholds', () => {
    expect(evaluatePerformanceGate({ ...baseline, p99Ms: 329 }, baseline, thresholds).passed).toBe(true);
  });
  it('blocks when a percentile regresses beyond the threshold, saying which', () => {
    const result = evaluatePerformanceGate({ ...baseline, p95Ms: 140 }, baseline, thresholds);
    expect(result).toMatchObject({
      passed: false,
      rule: 'baseline.regression',
      findings: ['p95Ms 140 > 132.0 (baseline 120)'],
    });
  });
  it('blocks on lost throughput and more errors', () => {
    const result = evaluatePerformanceGate({ ...baseline, throughputRps: 400, errorRate: 0.02 }, baseline, thresholds);
    expect(result.findings).toHaveLength(2);
  });
  it('passes without a baseline, and blocks without a load test', () => {
    expect(evaluatePerformanceGate(baseline, undefined, thresholds)).toMatchObject({
      passed: true,
      rule: 'baseline.none',
    });
    expect(evaluatePerformanceGate(undefined, baseline, thresholds)).toMatchObject({
      passed: false,
      rule: 'load-test.required',
    });
  });
});
