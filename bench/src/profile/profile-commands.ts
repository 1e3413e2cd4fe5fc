import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createBenchEnv } from '../bench-env.js';
import { jsonPoster } from '../http-client.js';
import { planReleaseBody } from '../http-figures.js';
import { closedLoop } from '../measure.js';
import { type CpuProfile, classify } from './classify.js';

// `npm run profile:commands`: POST /releases at 16 in flight against the planning service in a child process that
// CPU-profiles itself during the measured window only, then the profile's CPU time by stage of the command path.
const here = path.dirname(fileURLToPath(import.meta.url));
const durationMs = Number(process.env.PROFILE_DURATION_MS ?? 8000);
const concurrency = 16;

const env = await createBenchEnv();
const profileDir = await mkdtemp(path.join(tmpdir(), 'railyard-profile-'));
const profileFile = path.join(profileDir, 'command-path.cpuprofile');
const child = spawn(process.execPath, [path.join(here, 'command-server.js')], {
  env: {
    ...process.env,
    PROFILE_DATABASE_URL: env.databaseUrl,
    PROFILE_SUBJECT_PREFIX: env.subjectPrefix,
    PROFILE_OUT: profileFile,
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const { origin, authorization } = JSON.parse(first) as { origin: string; authorization: string };
  const client = jsonPoster(origin, concurrency * 2);
  let n = 0;
  const command = async () => {
    await client.post('/releases', planReleaseBody(n++), { authorization });
    return 1;
  };
  await closedLoop(command, { concurrency, durationMs: 1500, warmupMs: 0 });
  child.kill('SIGUSR2');
  const result = await closedLoop(command, { concurrency, durationMs, warmupMs: 0 });
  await client.close();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
  const profile = JSON.parse(await readFile(profileFile, 'utf8')) as CpuProfile;
  const totals = classify(profile);
  const busy = [...totals].filter(([stage]) => stage !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`POST /releases, ${concurrency} in flight: ${Math.round(result.rate)} req/s; profile ${profileFile}`);
  console.log(`CPU time of the service process by stage (${Math.round(busy)} ms busy):`);
  for (const [stage, ms] of [...totals].sort((a, b) => b[1] - a[1])) {
    const share = stage === '(idle)' ? '' : `${((100 * ms) / busy).toFixed(1).padStart(5)} %`;
    console.log(`  ${stage.padEnd(36)} ${String(Math.round(ms)).padStart(7)} ms ${share}`);
  }
} finally {
  if (child.exitCode === null) child.kill('SIGKILL');
  await env.cleanup();
}
