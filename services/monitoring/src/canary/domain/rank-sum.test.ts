import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countSample, normalSample, seeded } from '../test-support/samples.js';
import { NoVarianceError, rankSumTest } from './rank-sum.js';

interface OracleAnswer {
  u: number;
  p: number;
  lower: number;
  upper: number;
  medianDifference: number;
}

const ORACLE = fileURLToPath(new URL('../test-support/scipy_oracle.py', import.meta.url));

/** scipy (Debian's python3-scipy, installed by .ci/run): a test that needs it fails without it, never skips. */
function oracle(cases: { x: number[]; y: number[]; confidence: number }[]): OracleAnswer[] {
  const run = spawnSync('python3', [ORACLE], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.error || run.status !== 0) {
    throw new Error(`the scipy oracle did not run (install python3-scipy): ${run.error?.message ?? run.stderr}`);
  }
  return JSON.parse(run.stdout) as OracleAnswer[];
}

const random = seeded(20261202);
const cases = [
  // R's documentation example for wilcox.test (the "greater" test of two treatments).
  {
    x: [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46],
    y: [1.15, 0.88, 0.9, 0.74, 1.21],
    confidence: 0.98,
  },
  { x: normalSample(random, 30, 10.5, 2), y: normalSample(random, 30, 10, 2), confidence: 0.98 },
  { x: normalSample(random, 200, 0.052, 0.01), y: normalSample(random, 150, 0.04, 0.01), confidence: 0.95 },
  { x: normalSample(random, 7, 100, 30), y: normalSample(random, 300, 100, 30), confidence: 0.98 },
  { x: countSample(random, 60, 5), y: countSample(random, 80, 4), confidence: 0.98 },
  { x: countSample(random, 40, 2), y: countSample(random, 40, 2), confidence: 0.9 },
];

describe('the rank-sum test with the Hodges–Lehmann interval (R wilcox.test, exact=FALSE, correct=TRUE)', () => {
  const answers = oracle(cases);

  it.each(cases.map((c, i) => [i, c] as const))('agrees with scipy on case %i: U, p and the interval', (i, c) => {
    const ours = rankSumTest(c.x, c.y, c.confidence);
    const theirs = answers[i]!;
    const scale = Math.max(...c.x, ...c.y) - Math.min(...c.x, ...c.y);
    expect(ours.u).toBe(theirs.u);
    expect(ours.pValue).toBeCloseTo(theirs.p, 12);
    expect(Math.abs(ours.interval[0] - theirs.lower)).toBeLessThan(1e-9 * scale);
    expect(Math.abs(ours.interval[1] - theirs.upper)).toBeLessThan(1e-9 * scale);
  });

  it('estimates the shift as the median of the pairwise differences (tie-free samples)', () => {
    for (const i of [0, 1, 2, 3]) {
      const c = cases[i]!;
      const scale = Math.max(...c.x, ...c.y) - Math.min(...c.x, ...c.y);
      expect(Math.abs(rankSumTest(c.x, c.y, c.confidence).estimate - answers[i]!.medianDifference)).toBeLessThan(
        1e-9 * scale,
      );
    }
  });

  it('gives the known answers of R’s example: W = 35, two-sided asymptotic p = 0.24462', () => {
    const r = rankSumTest(cases[0]!.x, cases[0]!.y);
    expect(r.u).toBe(35);
    // z = (35 − 25 − 0.5) / sqrt(10·5/12 · 16) = 1.163507, p = 2·(1 − Φ(z))
    expect(r.pValue).toBeCloseTo(0.244624, 5);
    expect(r.interval[0]).toBeLessThan(r.estimate);
    expect(r.estimate).toBeLessThan(r.interval[1]);
  });

  it('is symmetric: swapping the samples negates the estimate and mirrors the interval', () => {
    const c = cases[1]!;
    const a = rankSumTest(c.x, c.y);
    const b = rankSumTest(c.y, c.x);
    expect(b.estimate).toBeCloseTo(-a.estimate, 9);
    expect(b.interval[0]).toBeCloseTo(-a.interval[1], 9);
    expect(b.pValue).toBeCloseTo(a.pValue, 12);
  });

  it('has no variance when every observation is tied', () => {
    expect(() => rankSumTest([3, 3, 3], [3, 3])).toThrow(NoVarianceError);
  });
});
