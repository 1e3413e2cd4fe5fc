import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchEnv } from './bench-env.js';
import { jsonPoster } from './http-client.js';
import { planReleaseBody } from './http-figures.js';
import { closedLoop, type ThroughputResult } from './measure.js';
import { type Figure, ratioFigure } from './report.js';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profile', 'command-server.js');

/** Starts the planning service in its own process (tracing on or off), drives POST /releases, stops it. */
async function commandsInChild(
  env: BenchEnv,
  tracing: boolean,
  timing: { concurrency: number; durationMs: number; warmupMs: number },
): Promise<ThroughputResult> {
  const child = spawn(process.execPath, [SERVER], {
    env: {
      ...process.env,
      PROFILE_DATABASE_URL: env.databaseUrl,
      PROFILE_SUBJECT_PREFIX: env.subjectPrefix,
      SERVER_TRACING: tracing ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the planning process exited with ${code}`)));
    });
    const { origin, authorization } = JSON.parse(first) as { origin: string; authorization: string };
    const client = jsonPoster(origin, timing.concurrency * 2);
    let n = 0;
    try {
      return await closedLoop(async () => {
        await client.post('/releases', planReleaseBody(n++), { authorization });
        return 1;
      }, timing);
    } finally {
      await client.close();
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) child.kill('SIGINT');
    await exited;
  }
}

/**
 * Figure (h): a command through every layer (HTTP, auth, validation, load, decide, append, relay, projection) in a
 * service process of its own, with OpenTelemetry tracing on (every span recorded, exported to nowhere) against the
 * same process with tracing off; alternated, best of `rounds`.
 */
export async function measureTracingCost(
  env: BenchEnv,
  timing: { concurrency: number; durationMs: number; warmupMs: number; rounds: number },
): Promise<Figure[]> {
  let off: ThroughputResult | undefined;
  let on: ThroughputResult | undefined;
  for (let round = 0; round < timing.rounds; round++) {
    const a = await commandsInChild(env, false, timing);
    if (!off || a.rate > off.rate) off = a;
    const b = await commandsInChild(env, true, timing);
    if (!on || b.rate > on.rate) on = b;
  }
  return [
    {
      name: `    POST /releases, own process, tracing off, ${timing.concurrency} in flight`,
      value: off!.rate,
      unit: 'req/s',
      baseline: null,
      ratio: null,
      target: null,
      higherIsBetter: true,
    },
    { ...ratioFigure('(h) same, tracing on', on!.rate, 'req/s', off!.rate, 0), target: null },
  ];
}
