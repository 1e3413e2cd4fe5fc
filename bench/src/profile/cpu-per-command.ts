import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresEventStore } from '@railyard/eventstore';
import pg from 'pg';
import { createBenchEnv } from '../bench-env.js';
import { jsonPoster } from '../http-client.js';
import { planReleaseBody } from '../http-figures.js';
import { closedLoop } from '../measure.js';
import { startPlanningStack } from '../planning-stack.js';
import { singleAppends } from '../write-figures.js';

// `npm run profile:cpu`: where a command's CPU goes, by process, against the store's raw append (row (d)'s two
// sides). On two cores every process competes for the same CPUs, so throughput follows the CPU all of them spend
// per operation: this service process (client included, as in the bench), the Postgres backends of the bench's
// database, and nats-server. CPU counts from /proc are steadier than rates on a shared machine. Also printed:
// statements per operation, from pg_stat_database's commit count and the queries the service's pools send.
const CLOCK_TICKS = 100; // USER_HZ on Linux
const durationMs = Number(process.env.PROFILE_DURATION_MS ?? 6000);
const rounds = Number(process.env.PROFILE_ROUNDS ?? 2);

function cpuSeconds(pids: Iterable<string>): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** One process's CPU seconds so far; undefined once it is gone. */
function cpuOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

function pidsNamed(name: string): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith(name);
    } catch {
      return false;
    }
  });
}

let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const env = await createBenchEnv();
const store = createPostgresEventStore({
  connectionString: env.databaseUrl,
  coalesceMs: process.env.PROFILE_COALESCE_MS ? Number(process.env.PROFILE_COALESCE_MS) : undefined,
});
const admin = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });
try {
  await store.ready();
  const stack = await startPlanningStack({
    store,
    databaseUrl: env.databaseUrl,
    nats: env.nats,
    subjectPrefix: env.subjectPrefix,
  });
  const client = jsonPoster(stack.origin, 32);
  let n = 0;
  const command = async () => {
    await client.post('/releases', planReleaseBody(n++), { authorization: stack.authorization });
    return 1;
  };
  const measure = async (label: string, op: (worker: number) => Promise<number>) => {
    await closedLoop(op, { concurrency: 16, durationMs: 1000, warmupMs: 0 });
    const { rows } = await admin.query<{ pid: string }>(
      'SELECT pid::text AS pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const backends = rows.map((r) => r.pid);
    const nats = pidsNamed('nats-server');
    const before = { pg: cpuSeconds(backends), nats: cpuSeconds(nats), self: process.cpuUsage(), queries };
    const result = await closedLoop(op, { concurrency: 16, durationMs, warmupMs: 0 });
    const self = process.cpuUsage(before.self);
    const ops = result.units;
    const us = (seconds: number) => String(Math.round((seconds * 1e6) / ops)).padStart(5);
    const node = (self.user + self.system) / 1e6;
    const pgCpu = cpuSeconds(backends) - before.pg;
    const natsCpu = cpuSeconds(nats) - before.nats;
    console.log(
      `${label.padEnd(22)} ${String(Math.round(result.rate)).padStart(5)}/s  CPU µs per op: node ${us(node)} ` +
        `(kernel ${us(self.system / 1e6)})  postgres ${us(pgCpu)}  nats ${us(natsCpu)}  total ${us(node + pgCpu + natsCpu)}` +
        `  queries/op ${((queries - before.queries) / ops).toFixed(2)}`,
    );
  };
  for (let round = 0; round < rounds; round++) {
    await measure('store append (1 event)', singleAppends(store));
    await measure('POST /releases', command);
  }
  // The same commands with the service's background work stopped (relay, projections): what the request path
  // itself costs, against what the outbox and the read models add.
  await stack.relay.stop();
  await stack.releaseList.stop();
  await stack.boards.stop();
  const commandsBefore = n;
  for (let round = 0; round < rounds; round++) await measure('POST, no relay/proj.', command);
  // What the background costs at its cheapest: each part alone, catching up the backlog the commands above left
  // (big batches), CPU per event it handles. PROFILE_CATCH_UP_V8=relay writes a V8 profile of that part's catch-up.
  const catchUps: [string, typeof stack.relay | typeof stack.releaseList][] = [
    ['relay catch-up', stack.relay],
    ['release list catch-up', stack.releaseList],
    ['boards catch-up', stack.boards],
  ];
  // Each POST /releases appends one event (ReleasePlanned); lag() counts only up to 10,000.
  const backlog = n - commandsBefore;
  for (const [label, part] of catchUps) {
    const { rows } = await admin.query<{ pid: string }>(
      'SELECT pid::text AS pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const nats = pidsNamed('nats-server');
    const v8 = process.env.PROFILE_CATCH_UP_V8 && label.startsWith(process.env.PROFILE_CATCH_UP_V8);
    const session = v8 ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    // Per backend: its CPU when first seen, and the last reading while it lived (a pool may close it meanwhile).
    const first = new Map<string, number>();
    const latest = new Map<string, number>();
    const sample = (pids: string[]) => {
      for (const pid of pids) {
        const cpu = cpuOf(pid);
        if (cpu === undefined) continue; // gone: its last reading stands
        if (!first.has(pid)) first.set(pid, cpu);
        latest.set(pid, cpu);
      }
    };
    sample(rows.map((r) => r.pid));
    const before = { nats: cpuSeconds(nats), self: process.cpuUsage() };
    const started = performance.now();
    await part.start();
    // Backends that open as the part runs count from zero.
    while ((await part.lag()) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = await admin.query<{ pid: string }>(
        'SELECT pid::text AS pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      for (const r of now.rows) if (!first.has(r.pid)) first.set(r.pid, 0);
      sample(now.rows.map((r) => r.pid));
    }
    const ms = performance.now() - started;
    const self = process.cpuUsage(before.self);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const file = path.join(tmpdir(), `railyard-catch-up-${process.pid}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      console.log(`V8 profile of the ${label}: ${file}`);
    }
    const us = (seconds: number) => String(Math.round((seconds * 1e6) / backlog)).padStart(5);
    const node = (self.user + self.system) / 1e6;
    sample([...first.keys()]);
    const pgCpu = [...first].reduce((sum, [pid, at]) => sum + (latest.get(pid) ?? at) - at, 0);
    const natsCpu = cpuSeconds(nats) - before.nats;
    console.log(
      `${label.padEnd(22)} ${String(Math.round((backlog * 1000) / ms)).padStart(5)}/s  CPU µs per event: node ${us(node)} ` +
        `(kernel ${us(self.system / 1e6)})  postgres ${us(pgCpu)}  nats ${us(natsCpu)}  total ${us(node + pgCpu + natsCpu)}` +
        `  (${backlog} events)`,
    );
  }
  await client.close();
  await stack.close();
} finally {
  await admin.end();
  await store.close();
  await env.cleanup();
}
