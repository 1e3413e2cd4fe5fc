import { judge, type MetricInput } from '@railyard/monitoring/canary-judge';
import { absoluteFigure, type Figure } from './report.js';

/** mulberry32: seeded, so every run judges the same samples. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * (j) The canary judge on 10 metrics × 1,000 samples a side (DESIGN §10: < 50 ms): the median of `runs` judgements
 * after a warm-up. Half the metrics shift, so both the Pass and the High paths (three interval roots each) run.
 */
export function measureCanaryJudge(options: { runs: number }): Figure {
  const random = seeded(105);
  const sample = (mean: number) =>
    Array.from({ length: 1_000 }, () => mean * (0.9 + 0.2 * random()) + (random() < 0.01 ? mean : 0));
  const metrics: MetricInput[] = Array.from({ length: 10 }, (_, i) => ({
    name: `metric-${i}`,
    baseline: sample(100),
    canary: sample(i % 2 === 0 ? 100 : 104),
    direction: 'increase',
    outliers: { strategy: 'remove' },
  }));
  const input = { metrics, thresholds: { pass: 95, marginal: 75 } };
  for (let i = 0; i < 3; i++) judge(input);
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const started = performance.now();
    judge(input);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return absoluteFigure('(j) canary judgement, 10 metrics × 1,000 samples (median)', median, 'ms', 50, false);
}
