import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresEventStore } from '@railyard/eventstore';
import { startBareFastify } from '../bare-fastify.js';
import { createBenchEnv } from '../bench-env.js';
import { closedLoop } from '../measure.js';
import { startOfrepTarget } from '../ofrep-figure.js';
import { type CpuProfile, classify } from './classify.js';

// `npm run profile:ofrep`: the bench's row (i) — OFREP single-flag evaluations at 16 in flight against the
// orchestration service in this process, as the bench runs it (so the undici client is in the profile, as it is in
// the bench's figures) — CPU-profiled during the measured window only, then the CPU time by stage, per request.
// PROFILE_BARE=1 profiles the baseline instead (bench/src/bare-fastify.ts's route, same client), for comparison.
const durationMs = Number(process.env.PROFILE_DURATION_MS ?? 8000);
const concurrency = 16;

const env = await createBenchEnv();
const store = createPostgresEventStore({ connectionString: env.databaseUrl });
try {
  await store.ready();
  const target = process.env.PROFILE_BARE
    ? await startBareFastify(concurrency)
    : await startOfrepTarget({ store, databaseUrl: env.databaseUrl, concurrency });
  try {
    await closedLoop(target.evaluate, { concurrency, durationMs: 2000 });
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await closedLoop(target.evaluate, { concurrency, durationMs });
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const file = path.join(tmpdir(), `railyard-ofrep-${process.pid}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    const totals = classify(profile as CpuProfile);
    const busy = [...totals].filter(([stage]) => stage !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
    const what = process.env.PROFILE_BARE ? 'bare fastify POST' : 'OFREP evaluate';
    console.log(`${what}, ${concurrency} in flight: ${Math.round(result.rate)} req/s; profile ${file}`);
    console.log(`CPU time of the process (service and client) by stage (${Math.round(busy)} ms busy):`);
    for (const [stage, ms] of [...totals].sort((a, b) => b[1] - a[1])) {
      const share = stage === '(idle)' ? '' : `${((100 * ms) / busy).toFixed(1).padStart(5)} %`;
      const perRequest = `${((1000 * ms) / result.units).toFixed(2).padStart(6)} µs/req`;
      console.log(`  ${stage.padEnd(40)} ${String(Math.round(ms)).padStart(7)} ms ${share}  ${perRequest}`);
    }
  } finally {
    await target.close();
  }
} finally {
  await store.close();
  await env.cleanup();
}
