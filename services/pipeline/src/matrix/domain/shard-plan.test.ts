import { describe, expect, it } from 'vitest';
import { matrixJobs, planLpt, planRoundRobin, type SuiteTest } from './shard-plan.js';

/**
 * A realistic skewed suite: 60 unit-ish UI tests of 2-9 s and a few slow end-to-end journeys (checkout, onboarding,
 * search) of 40-95 s, written as a suite usually is: grouped by feature, so the slow ones sit at regular offsets.
 */
function skewedSuite(): SuiteTest[] {
  const tests: SuiteTest[] = [];
  for (let i = 0; i < 60; i++) tests.push({ name: `ui-${i}`, durationMs: 2000 + ((i * 7919) % 7000) });
  const slow = [95_000, 80_000, 64_000, 52_000, 40_000];
  for (const [k, ms] of slow.entries()) tests.splice(k * 12, 0, { name: `e2e-${k}`, durationMs: ms });
  return tests;
}

describe('LPT shard planning (Graham 1969)', () => {
  const combos = ['chrome/desktop', 'firefox/desktop', 'safari/iphone-15'];

  it('beats naive round-robin on a skewed suite across a browser/device matrix', () => {
    const tests = skewedSuite();
    // Safari on a phone is slower: its historical durations say so for the slow journeys.
    tests[0]!.durationsByCombo = { 'safari/iphone-15': 140_000 };
    const jobs = matrixJobs(tests, combos);
    expect(jobs).toHaveLength(65 * 3);
    const lpt = planLpt(jobs, 6);
    const rr = planRoundRobin(jobs, 6);
    const total = jobs.reduce((s, j) => s + j.durationMs, 0);
    // The numbers, for the record (and the docs): the lower bound is max(total/m, longest job).
    const lowerBound = Math.max(total / 6, 140_000);
    console.info(
      `matrix of ${jobs.length} jobs on 6 shards: LPT ${lpt.predictedWallMs} ms, round-robin ${rr.predictedWallMs} ms, lower bound ${Math.round(lowerBound)} ms`,
    );
    expect(lpt.predictedWallMs).toBeLessThan(rr.predictedWallMs);
    // Graham's bound holds against the lower bound of the optimum.
    expect(lpt.predictedWallMs).toBeLessThanOrEqual((4 / 3 - 1 / 18) * lowerBound);
    expect(lpt.predictedWallMs).toBe(336_212);
    expect(rr.predictedWallMs).toBe(524_661);
    // 36% less wall time, within 0.2% of the optimum's lower bound (335,815 ms).
    expect(lpt.predictedWallMs / lowerBound).toBeLessThan(1.002);
  });

  it('keeps every job exactly once', () => {
    const jobs = matrixJobs(skewedSuite(), combos);
    const planned = planLpt(jobs, 4).shards.flatMap((s) => s.jobs.map((j) => `${j.test}@${j.combo}`));
    expect(planned.sort()).toEqual(jobs.map((j) => `${j.test}@${j.combo}`).sort());
  });

  it('on one shard, the wall time is the sum of the suite', () => {
    const jobs = matrixJobs(
      [
        { name: 'a', durationMs: 5 },
        { name: 'b', durationMs: 7 },
      ],
      ['x'],
    );
    expect(planLpt(jobs, 1).predictedWallMs).toBe(12);
    expect(planLpt(jobs, 3).shards.map((s) => s.predictedMs)).toEqual([7, 5, 0]);
  });
});
