/** A test of a suite with its historical duration, optionally measured per browser/device combination. */
export interface SuiteTest {
  name: string;
  durationMs: number;
  durationsByCombo?: Record<string, number>;
}

export interface ShardJob {
  test: string;
  combo: string;
  durationMs: number;
}

export interface ShardPlan {
  shards: { shard: number; jobs: ShardJob[]; predictedMs: number }[];
  /** The makespan: the busiest shard's predicted time, since shards run in parallel. */
  predictedWallMs: number;
}

/** Every (test, combination) job, in suite order, with its historical duration on that combination. */
export function matrixJobs(tests: readonly SuiteTest[], combos: readonly string[]): ShardJob[] {
  return combos.flatMap((combo) =>
    tests.map((t) => ({ test: t.name, combo, durationMs: t.durationsByCombo?.[combo] ?? t.durationMs })),
  );
}

function planOf(assigned: ShardJob[][]): ShardPlan {
  const shards = assigned.map((jobs, shard) => ({
    shard,
    jobs,
    predictedMs: jobs.reduce((sum, j) => sum + j.durationMs, 0),
  }));
  return { shards, predictedWallMs: Math.max(0, ...shards.map((s) => s.predictedMs)) };
}

/**
 * Longest-processing-time-first list scheduling (R. L. Graham, "Bounds on Multiprocessing Timing Anomalies",
 * SIAM J. Appl. Math. 17(2), 1969): sort jobs by duration, longest first, and give each to the least-loaded shard.
 * Its makespan is at most (4/3 − 1/(3m)) times the optimum on m shards, where round-robin has no such bound: one
 * slow end-to-end test per shard position piles up on the same shard. Ties break on the lower shard index, and
 * equal durations keep suite order, so the plan is deterministic.
 */
export function planLpt(jobs: readonly ShardJob[], shardCount: number): ShardPlan {
  const assigned: ShardJob[][] = Array.from({ length: shardCount }, () => []);
  const load = new Array<number>(shardCount).fill(0);
  const order = jobs.map((job, index) => ({ job, index }));
  order.sort((a, b) => b.job.durationMs - a.job.durationMs || a.index - b.index);
  for (const { job } of order) {
    let target = 0;
    for (let s = 1; s < shardCount; s++) if (load[s]! < load[target]!) target = s;
    assigned[target]!.push(job);
    load[target]! += job.durationMs;
  }
  return planOf(assigned);
}

/** The naive plan LPT is measured against: job i of the suite order goes to shard i mod m. */
export function planRoundRobin(jobs: readonly ShardJob[], shardCount: number): ShardPlan {
  const assigned: ShardJob[][] = Array.from({ length: shardCount }, () => []);
  for (const [i, job] of jobs.entries()) assigned[i % shardCount]!.push(job);
  return planOf(assigned);
}
