import { setTimeout as sleep } from 'node:timers/promises';

/** One operation of a load loop: returns how many units (rows, events, requests) it completed. */
export type Op = (worker: number) => Promise<number>;

export interface ThroughputResult {
  /** Units completed in the measured window. */
  units: number;
  seconds: number;
  /** Units per second. */
  rate: number;
  /**
   * CPU time of this process (user + system, client and server alike) per unit, in µs: steadier than `rate` on a
   * shared machine, where other processes take wall time but not this process's CPU time.
   */
  cpuMicrosPerUnit: number;
}

export interface ClosedLoopOptions {
  /** Operations in flight at any moment (one per worker). */
  concurrency: number;
  durationMs: number;
  /** Runs the same loop first and discards it: pools connect, JIT and caches warm. */
  warmupMs?: number;
}

async function loopFor(op: Op, concurrency: number, durationMs: number): Promise<ThroughputResult> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = started + durationMs;
  let units = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        // Not `units += await op()`: that reads `units` before the await and drops the other workers' counts.
        const done = await op(worker);
        units += done;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { units, seconds, rate: units / seconds, cpuMicrosPerUnit: (cpu.user + cpu.system) / units };
}

/** Closed-loop throughput: `concurrency` workers each run `op` back to back until the window ends. */
export async function closedLoop(op: Op, options: ClosedLoopOptions): Promise<ThroughputResult> {
  if (options.warmupMs) await loopFor(op, options.concurrency, options.warmupMs);
  return loopFor(op, options.concurrency, options.durationMs);
}

/**
 * Runs each measurement `rounds` times, alternating between them, and keeps each one's best rate. Pairs a figure
 * with its baseline so both see the same machine state: other processes on a shared 2-core box come and go, and
 * alternating best-of is the least noisy comparison we can make in a few seconds.
 */
export async function alternateBestOf(
  rounds: number,
  measurements: readonly (() => Promise<ThroughputResult>)[],
): Promise<ThroughputResult[]> {
  const best: (ThroughputResult | undefined)[] = measurements.map(() => undefined);
  for (let round = 0; round < rounds; round++) {
    for (const [i, measure] of measurements.entries()) {
      const r = await measure();
      if (!best[i] || r.rate > best[i].rate) best[i] = r;
    }
  }
  return best as ThroughputResult[];
}

/** One paced operation; `dueAt` is the performance.now() time it was scheduled for. */
export type PacedOp = (dueAt: number) => Promise<void>;

export interface PacedOptions {
  /** Operations started per second, whether or not earlier ones finished (open loop). */
  rate: number;
  durationMs: number;
  warmupMs?: number;
}

export interface LatencyResult {
  /** Latencies in ms, sorted ascending; one per operation that succeeded. */
  latenciesMs: number[];
  errors: number;
  /** The first error seen, for the report. */
  firstError?: unknown;
  achievedRate: number;
}

async function pacedFor(op: PacedOp, rate: number, durationMs: number): Promise<LatencyResult> {
  const interval = 1000 / rate;
  const start = performance.now();
  const latenciesMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let launched = 0;
  let errors = 0;
  let firstError: unknown;
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= durationMs) break;
    const due = Math.floor(elapsed / interval) + 1;
    while (launched < due) {
      // Latency counts from when the operation was due, not when the timer let us start it: a client that
      // fell behind (coordinated omission) must not hide the server's slowness.
      const intended = start + launched * interval;
      launched++;
      const p: Promise<void> = op(intended).then(
        () => {
          latenciesMs.push(performance.now() - intended);
        },
        (err: unknown) => {
          errors++;
          firstError ??= err;
        },
      );
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    }
    await sleep(Math.max(0, start + launched * interval - performance.now()));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  latenciesMs.sort((a, b) => a - b);
  return { latenciesMs, errors, firstError, achievedRate: latenciesMs.length / seconds };
}

/** Open-loop-ish latency: starts `op` at a fixed rate (wrk2 style) and records each one's latency from its due time. */
export async function paced(op: PacedOp, options: PacedOptions): Promise<LatencyResult> {
  if (options.warmupMs) await pacedFor(op, options.rate, options.warmupMs);
  return pacedFor(op, options.rate, options.durationMs);
}

/** The p-th percentile (0–100) of ascending values, nearest-rank; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
