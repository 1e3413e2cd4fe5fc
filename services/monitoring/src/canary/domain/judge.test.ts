import { describe, expect, it } from 'vitest';
import { normalSample, seeded } from '../test-support/samples.js';
import { classifyMetric, JudgeInputError, judge, type MetricInput, preprocess } from './judge.js';

const random = seeded(42);
const steady = normalSample(random, 120, 0.01, 0.002);
const steadyToo = normalSample(random, 120, 0.01, 0.002);
const climbing = normalSample(random, 120, 0.03, 0.004);
const dropping = normalSample(random, 120, 0.004, 0.001);
const metric = (over: Partial<MetricInput>): MetricInput => ({
  name: 'error-rate',
  baseline: steady,
  canary: steadyToo,
  ...over,
});

describe('classifying one metric (MannWhitneyClassifier)', () => {
  it('passes a canary that behaves like the baseline', () => {
    const m = classifyMetric(metric({}));
    expect(m.classification).toBe('Pass');
    expect(m.interval![0]).toBeLessThan(0);
    expect(m.interval![1]).toBeGreaterThan(0);
  });

  it('calls a climbing error rate High, with the estimate, interval, ratio and a reason', () => {
    const m = classifyMetric(metric({ canary: climbing, direction: 'increase' }));
    expect(m.classification).toBe('High');
    expect(m.estimate!).toBeGreaterThan(0.015);
    expect(m.interval![0]).toBeGreaterThan(0.25 * Math.abs(m.estimate!));
    expect(m.ratio!).toBeGreaterThan(2);
    expect(m.reason).toMatch(/^canary higher: shift/);
  });

  it('ignores a shift in the direction that is not bad, and calls the other Low', () => {
    expect(classifyMetric(metric({ canary: climbing, direction: 'decrease' })).classification).toBe('Pass');
    expect(classifyMetric(metric({ canary: dropping, direction: 'decrease' })).classification).toBe('Low');
    expect(classifyMetric(metric({ canary: dropping, direction: 'either' })).classification).toBe('Low');
  });

  it('needs the effect size too: a significant but small increase passes when allowedIncrease is not reached', () => {
    const m = classifyMetric(metric({ canary: climbing, effectSize: { allowedIncrease: 5 } }));
    expect(m.classification).toBe('Pass');
  });

  it('has Nodata without samples on a side (NodataFailMetric when data is required), Pass for identical samples', () => {
    expect(classifyMetric(metric({ canary: [] })).classification).toBe('Nodata');
    expect(classifyMetric(metric({ canary: [null, null], mustHaveData: true })).classification).toBe(
      'NodataFailMetric',
    );
    expect(classifyMetric(metric({ canary: [...steady].reverse() })).classification).toBe('Pass');
    expect(classifyMetric(metric({ baseline: [1, 1], canary: [1, 1, 1] })).classification).toBe('Error');
  });

  it('removes or replaces missing samples, and removes outliers beyond 3 IQR when asked', () => {
    expect(preprocess([1, null, 3], { name: 'x', baseline: [], canary: [] })).toEqual([1, 3]);
    expect(preprocess([1, null, 3], { name: 'x', baseline: [], canary: [], nanStrategy: 'replace' })).toEqual([
      1, 0, 3,
    ]);
    const spiky = [10, 11, 9, 10, 12, 10, 11, 500];
    expect(preprocess(spiky, { name: 'x', baseline: [], canary: [], outliers: { strategy: 'remove' } })).not.toContain(
      500,
    );
    expect(preprocess(spiky, { name: 'x', baseline: [], canary: [] })).toContain(500);
  });
});

describe('scoring and the verdict (NetflixACAJudge)', () => {
  const thresholds = { pass: 95, marginal: 75 };

  it('scores each group by the share of its counted metrics that passed, and weighs the groups', () => {
    const j = judge({
      metrics: [
        metric({ name: 'errors', canary: climbing, group: 'errors' }),
        metric({ name: 'latency-p95', group: 'latency' }),
        metric({ name: 'latency-p99', group: 'latency' }),
        metric({ name: 'sessions', canary: [], group: 'latency' }),
      ],
      groups: { errors: 60 },
      thresholds,
    });
    expect(j.groups).toEqual([
      { name: 'errors', weight: 60, score: 0 },
      { name: 'latency', weight: 40, score: 100 },
    ]);
    expect(j.score).toBe(40);
    expect(j.verdict).toBe('Fail');
  });

  it('puts a score on a threshold in the better verdict', () => {
    const metrics = [metric({ name: 'a', group: 'a' }), metric({ name: 'b', canary: climbing, group: 'b' })];
    expect(judge({ metrics, groups: { a: 75, b: 25 }, thresholds }).verdict).toBe('Marginal');
    expect(judge({ metrics, groups: { a: 75, b: 25 }, thresholds: { pass: 75, marginal: 50 } }).verdict).toBe('Pass');
  });

  it('zeroes the score when a critical metric fails, or when half the metrics have no data', () => {
    const critical = judge({
      metrics: [
        metric({ name: 'errors', canary: climbing, critical: true }),
        ...['a', 'b', 'c'].map((name) => metric({ name })),
      ],
      thresholds,
    });
    expect([critical.score, critical.verdict, critical.forcedToZero]).toEqual([
      0,
      'Fail',
      'critical metric failed: errors',
    ]);
    const quiet = judge({ metrics: [metric({ name: 'a', canary: [] }), metric({ name: 'b' })], thresholds });
    expect([quiet.score, quiet.forcedToZero]).toEqual([0, '1 of 2 metrics have no data']);
  });

  it('refuses weights over 100, weights that leave no room when every group has one, and thresholds out of order', () => {
    expect(() => judge({ metrics: [metric({})], groups: { default: 120 }, thresholds })).toThrow(JudgeInputError);
    expect(() => judge({ metrics: [metric({})], groups: { default: 80 }, thresholds })).toThrow(JudgeInputError);
    expect(() => judge({ metrics: [metric({})], thresholds: { pass: 50, marginal: 80 } })).toThrow(JudgeInputError);
  });

  it('judges the same input the same way twice (a stored judgement can be re-judged)', () => {
    const input = { metrics: [metric({ canary: climbing }), metric({ name: 'p99', canary: dropping })], thresholds };
    expect(judge(input)).toEqual(judge(structuredClone(input)));
  });
});
