import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresEventStore } from '@railyard/eventstore';
import { measureBareFastify } from './bare-fastify.js';
import { createBenchEnv } from './bench-env.js';
import { measureCanaryJudge } from './canary-figure.js';
import { measureDoraReport } from './dora-figure.js';
import { measureHttpCommands } from './http-figures.js';
import { measureOfrep } from './ofrep-figure.js';
import { startPlanningStack } from './planning-stack.js';
import { measureKitRead } from './read-figures.js';
import { measureRebuild } from './rebuild-figure.js';
import { type Figure, formatTable, ratioFigure, verdict, writeResults } from './report.js';
import { measureTracingCost } from './tracing-figure.js';
import { measureVisibility } from './visibility-figure.js';
import { measureWrites } from './write-figures.js';

// BENCH_QUICK=1 shortens every window (a smoke run while editing the bench); the figures are then noisier.
const scale = process.env.BENCH_QUICK ? 0.25 : 1;
const ms = (n: number) => Math.round(n * scale);
const HTTP_CONCURRENCY = 16;
// BENCH_ROUNDS=n: each ratio pair alternates n rounds instead of 2 (steadier on a busy machine, n times longer).
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 2;
// BENCH_ONLY=i (or `i,g`, letters and numbers of the table) runs only those rows and what they are judged against
// (each ratio row measures its own baseline in the same run), and leaves results/latest.json alone.
const only = process.env.BENCH_ONLY?.split(',').map((row) => row.trim().replace(/[()]/g, ''));
const runs = (...rows: string[]) => !only || rows.some((row) => only.includes(row));
const RESULTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results/latest.json');

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  const env = await createBenchEnv();
  progress(`database ${env.databaseName}, NATS stream ${env.streamName} (subjects ${env.subjectPrefix}.>)`);
  const store = createPostgresEventStore({ connectionString: env.databaseUrl });
  const figures: Figure[] = [];
  try {
    await store.ready();
    const { rows } = await store.pool.query<{ server_version: string }>('SHOW server_version');
    progress(`${os.cpus().length} cores, Node ${process.version}, Postgres ${rows[0]!.server_version}`);

    // (f) is judged against (2), and (d)'s informational line against (4).
    let writes: Awaited<ReturnType<typeof measureWrites>> | undefined;
    if (runs('1', '2', '3', 'a', 'b', 'c', 'f')) {
      progress('(1)-(3) raw Postgres vs (a)-(c) event store appends…');
      writes = await measureWrites(store, env.databaseUrl, { durationMs: ms(2500), warmupMs: ms(500), rounds: ROUNDS });
    }

    let bare: { rate: number } | undefined;
    if (runs('4', 'd')) {
      progress(`(4) bare fastify, ${HTTP_CONCURRENCY} in flight…`);
      bare = await measureBareFastify({
        concurrency: HTTP_CONCURRENCY,
        durationMs: ms(3000),
        warmupMs: ms(1000),
      });
      figures.push({
        name: `(4) bare fastify POST → 201, ${HTTP_CONCURRENCY} in flight`,
        value: bare.rate,
        unit: 'req/s',
        baseline: null,
        ratio: null,
        target: null,
        higherIsBetter: true,
      });
    }
    if (writes) figures.push(...writes.baselines, ...writes.figures);

    let reads: Figure[] = [];
    if (runs('g')) {
      progress(`(g) OFREP-style GET through the kit vs bare fastify, ${HTTP_CONCURRENCY} in flight…`);
      reads = await measureKitRead({
        concurrency: HTTP_CONCURRENCY,
        durationMs: ms(2000),
        warmupMs: ms(500),
        rounds: ROUNDS,
      });
    }

    if (runs('d', 'e')) {
      progress('starting the planning service (HTTP, release-list projection, relay to NATS, sealer)…');
      const stack = await startPlanningStack({
        store,
        databaseUrl: env.databaseUrl,
        nats: env.nats,
        subjectPrefix: env.subjectPrefix,
      });
      try {
        progress(`(d) HTTP commands, ${HTTP_CONCURRENCY} in flight, then p99 at half load…`);
        const http = await measureHttpCommands(stack, store, {
          concurrency: HTTP_CONCURRENCY,
          durationMs: ms(3000),
          warmupMs: ms(1000),
          rounds: ROUNDS,
          latencyMs: ms(5000),
        });
        figures.push(...http.figures);
        const command = http.figures.find((f) => f.name.startsWith('(d) HTTP'))!;
        if (bare) {
          const vsBare = ratioFigure('    HTTP POST /releases vs bare fastify', command.value, 'req/s', bare.rate, 0);
          figures.push({ ...vsBare, target: null });
        }

        progress(`(e) command → read model visible at ${Math.round(http.halfRate)} commands/s…`);
        figures.push(
          ...(await measureVisibility(stack, store, env.nats, env.subjectPrefix, {
            rate: http.halfRate,
            durationMs: ms(6000),
            warmupMs: ms(1000),
          })),
        );
      } finally {
        await stack.close();
      }
    }

    figures.push(...reads);

    if (runs('h')) {
      progress(`(h) POST /releases in a service process of its own, tracing off vs on…`);
      figures.push(
        ...(await measureTracingCost(env, {
          concurrency: HTTP_CONCURRENCY,
          durationMs: ms(3000),
          warmupMs: ms(1000),
          rounds: ROUNDS,
        })),
      );
    }

    if (runs('i')) {
      progress(`(i) OFREP flag evaluation vs bare fastify, ${HTTP_CONCURRENCY} in flight…`);
      figures.push(
        ...(await measureOfrep({
          store,
          databaseUrl: env.databaseUrl,
          concurrency: HTTP_CONCURRENCY,
          durationMs: ms(3000),
          warmupMs: ms(1000),
          rounds: ROUNDS,
        })),
      );
    }

    if (writes && runs('f')) {
      progress('(f) seeding release events, then rebuilding the release list…');
      const rawBatched = writes.baselines[1]!.value;
      const rebuild = await measureRebuild({
        store,
        databaseUrl: env.databaseUrl,
        rawBatchedRowsPerSecond: rawBatched,
        minEvents: 20_000,
        rounds: ROUNDS,
      });
      figures.push(...rebuild.figures);
    }

    if (runs('j')) {
      progress('(j) canary judgement of 10 metrics × 1,000 samples…');
      figures.push(measureCanaryJudge({ runs: Math.max(5, Math.round(21 * scale)) }));
    }

    if (runs('k')) {
      progress('(k) DORA report over two years of 20 services…');
      figures.push(...measureDoraReport({ runs: Math.max(3, Math.round(7 * scale)) }));
    }
  } finally {
    await store.close().catch(() => {});
    await env.cleanup().catch((err: unknown) => progress(`cleanup failed: ${String(err)}`));
  }

  console.log(formatTable(figures));
  const judged = figures.filter((f) => f.target !== null);
  const missed = judged.filter((f) => verdict(f) !== 'pass');
  console.log(
    `\n${judged.length - missed.length}/${judged.length} targets met` +
      (missed.length ? `; missed: ${missed.map((f) => f.name.trim()).join('; ')}` : '') +
      ` (${((performance.now() - started) / 1000).toFixed(0)} s${scale < 1 ? ', BENCH_QUICK' : ''})`,
  );
  if (only) {
    console.log(`BENCH_ONLY=${only.join(',')}: ${path.relative(process.cwd(), RESULTS_FILE)} left as it was`);
  } else {
    await writeResults(RESULTS_FILE, figures);
    console.log(`results written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  }
}

main().catch((err: unknown) => {
  console.error('bench failed:', err);
  process.exitCode = 1;
});
