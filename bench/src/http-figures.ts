import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EventStore } from '@railyard/eventstore';
import { jsonPoster } from './http-client.js';
import { alternateBestOf, closedLoop, type LatencyResult, paced, percentile } from './measure.js';
import type { PlanningStack } from './planning-stack.js';
import { absoluteFigure, type Figure, ratioFigure } from './report.js';
import { singleAppends } from './write-figures.js';

export interface HttpTiming {
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  rounds: number;
  /** Measured window of the half-load latency run. */
  latencyMs: number;
}

/** A day comfortably in the future (planning refuses a target date in the past), as YYYY-MM-DD. */
export const futureDate = () => new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);

/** The body of POST /releases: a valid release plan. */
export function planReleaseBody(n: number) {
  return { name: `Bench release ${n}`, targetDate: futureDate() };
}

export interface HttpResult {
  figures: Figure[];
  /** Half the maximum command rate found: the load (d)'s latency and (e) run at. */
  halfRate: number;
}

function failIfErrors(what: string, r: LatencyResult) {
  if (r.errors > 0) {
    throw new Error(`${what}: ${r.errors} operations failed; first: ${String(r.firstError)}`, { cause: r.firstError });
  }
}

const withOne = (command: () => Promise<void>) => async () => {
  await command();
  return 1;
};

/** The niceness the bench gives the worker process: the launcher's default (`RAILYARD_WORKER_NICE`). */
const WORKER_NICE = 10;

/**
 * Starts `bench/dist/worker-process.js` (the planning runtime with RAILYARD_ROLE=worker) at the launcher's niceness
 * and resolves once it holds the relay's and the projections' leases; the returned function stops it.
 */
async function startWorkerProcess(stack: PlanningStack): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./worker-process.js', import.meta.url))], {
    env: { ...process.env, WORKER_DATABASE_URL: stack.databaseUrl, WORKER_SUBJECT_PREFIX: stack.subjectPrefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid !== undefined) setPriority(child.pid, WORKER_NICE);
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => createInterface({ input: child.stdout! }).once('line', () => resolve(true))),
    exited.then(() => false),
  ]);
  if (!ready) throw new Error(`the worker process exited before it was ready (code ${child.exitCode})`);
  return async () => {
    child.kill('SIGINT');
    await exited;
  };
}

/**
 * Runs `measure` with the service's background work stopped (the relay to NATS, both projections), then starts it
 * again and waits until it has caught up with what `measure` appended, so the next figure starts from a service
 * that owes nothing. The store still takes every event: nothing is skipped, only published and projected later.
 * With `where: 'worker process'`, a worker process runs the background work meanwhile, as `npm start` with
 * RAILYARD_WORKERS=separate does.
 */
async function withBackgroundPaused<T>(
  stack: PlanningStack,
  measure: () => Promise<T>,
  where: 'nowhere' | 'worker process' = 'nowhere',
): Promise<T> {
  const background = [stack.relay, stack.releaseList, stack.boards];
  await Promise.all(background.map((part) => part.stop()));
  let result: T;
  try {
    const stopWorker = where === 'worker process' ? await startWorkerProcess(stack) : undefined;
    try {
      result = await measure();
    } finally {
      await stopWorker?.();
    }
  } finally {
    for (const part of background) await part.start();
  }
  const deadline = Date.now() + 120_000;
  while (!(await Promise.all(background.map((part) => part.lag()))).every((lag) => lag === 0)) {
    if (Date.now() > deadline) throw new Error('the relay and projections did not catch up within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return result;
}

/**
 * Figure (d): POST /releases end to end over loopback (auth → validate → load → decide → append → 201) at fixed
 * concurrency, against the store's single-event append at the same concurrency; then p99 at half that rate.
 */
export async function measureHttpCommands(
  stack: PlanningStack,
  store: EventStore,
  timing: HttpTiming,
): Promise<HttpResult> {
  const client = jsonPoster(stack.origin, timing.concurrency * 2);
  const headers = { authorization: stack.authorization };
  let n = 0;
  const command = async () => {
    await client.post('/releases', planReleaseBody(n++), headers);
  };
  try {
    const loop = (op: (worker: number) => Promise<number>) => () =>
      closedLoop(op, { concurrency: timing.concurrency, durationMs: timing.durationMs, warmupMs: timing.warmupMs });
    const [append, http] = await alternateBestOf(timing.rounds, [loop(singleAppends(store)), loop(withOne(command))]);
    const halfRate = http!.rate / 2;
    const latency = await paced(command, { rate: halfRate, durationMs: timing.latencyMs, warmupMs: timing.warmupMs });
    failIfErrors('POST /releases at half load', latency);
    const paused = await withBackgroundPaused(stack, () => alternateBestOf(timing.rounds, [loop(withOne(command))]));
    const split = await withBackgroundPaused(
      stack,
      () => alternateBestOf(timing.rounds, [loop(withOne(command))]),
      'worker process',
    );
    const c = timing.concurrency;
    return {
      halfRate,
      figures: [
        {
          name: `    store append, 1 event/call, ${c} in flight`,
          value: append!.rate,
          unit: 'events/s',
          baseline: null,
          ratio: null,
          target: null,
          higherIsBetter: true,
        },
        ratioFigure(`(d) HTTP POST /releases, ${c} in flight`, http!.rate, 'req/s', append!.rate, 0.6),
        absoluteFigure(
          `(d) p50 at half load (${Math.round(halfRate)} req/s)`,
          percentile(latency.latenciesMs, 50),
          'ms',
          null,
          false,
        ),
        absoluteFigure(
          `(d) p99 at half load (${Math.round(halfRate)} req/s)`,
          percentile(latency.latenciesMs, 99),
          'ms',
          20,
          false,
        ),
        {
          ...ratioFigure(`    the same, relay and projections paused`, paused[0]!.rate, 'req/s', append!.rate, 0),
          target: null,
        },
        {
          ...ratioFigure(
            `    the same, relay and projections in a worker process (nice ${WORKER_NICE})`,
            split[0]!.rate,
            'req/s',
            append!.rate,
            0,
          ),
          target: null,
        },
      ],
    };
  } finally {
    await client.close();
  }
}
