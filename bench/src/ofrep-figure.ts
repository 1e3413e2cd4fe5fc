import { type PostgresEventStore, warnConnectionError, watchPoolErrors } from '@railyard/eventstore';
import { startOrchestrationRuntime } from '@railyard/orchestration/runtime';
import { createLogger, hashApiKey, signDevToken } from '@railyard/service-kit';
import pg from 'pg';
import { measureBareFastify } from './bare-fastify.js';
import { jsonPoster } from './http-client.js';
import { alternateBestOf, closedLoop } from './measure.js';
import { type Figure, ratioFigure } from './report.js';

const AUTH_SECRET = 'bench-secret-that-is-long-enough-for-hs256!';
const API_KEY = 'bench-ofrep-client-key';

/** The orchestration service as main() wires it, listening on loopback, with the bench flag defined. */
export interface OfrepTarget {
  /** One OFREP single-flag evaluation of the bench flag for a fresh targeting key. */
  evaluate(): Promise<number>;
  close(): Promise<void>;
}

export async function startOfrepTarget(options: {
  store: PostgresEventStore;
  databaseUrl: string;
  concurrency: number;
}): Promise<OfrepTarget> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 10,
    application_name: 'railyard-orchestration',
  });
  watchPoolErrors(pool, warnConnectionError);
  const logger = createLogger({ name: 'orchestration', level: 'info', destination: { write: () => {} } });
  const runtime = await startOrchestrationRuntime({
    store: options.store,
    pool,
    auth: { secret: AUTH_SECRET, apiKeys: [{ id: 'bench-client', roles: [], sha256: hashApiKey(API_KEY) }] },
    logger,
    sealIntervalMs: false,
    schedulerIntervalMs: false,
  });
  const closeRuntime = async () => {
    await runtime.close();
    await pool.end();
  };
  try {
    const token = await signDevToken({ sub: 'bench-dev', roles: ['developer'], secret: AUTH_SECRET });
    const rules = Array.from({ length: 9 }, (_, i) => [
      { '==': [{ var: 'tenant' }, `tenant-${i}`] },
      i % 2 ? 'on' : 'off',
    ]);
    const targeting = {
      if: [
        ...rules.flat(),
        {
          fractional: [
            ['on', 30],
            ['off', 70],
          ],
        },
      ],
    };
    const defined = await runtime.app.inject({
      method: 'POST',
      url: '/flags',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        key: 'bench-flag',
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting,
        reason: 'bench',
      },
    });
    if (defined.statusCode !== 201)
      throw new Error(`defining the bench flag answered ${defined.statusCode}: ${defined.body}`);
    const deadline = Date.now() + 10_000;
    while (!runtime.flags.get('bench-flag')) {
      if (Date.now() > deadline) throw new Error('the flag snapshot did not pick up the bench flag');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await runtime.app.listen({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await closeRuntime();
    throw error;
  }
  const address = runtime.app.server.address();
  if (!address || typeof address === 'string') throw new Error('the orchestration app did not listen on a TCP port');
  const client = jsonPoster(`http://127.0.0.1:${address.port}`, options.concurrency, 200);
  const headers = { 'x-api-key': API_KEY };
  let n = 0;
  return {
    async evaluate() {
      const context = { targetingKey: `user-${n++}`, tenant: 'acme' };
      await client.post('/ofrep/v1/evaluate/flags/bench-flag', { context }, headers);
      return 1;
    },
    async close() {
      await client.close();
      await closeRuntime();
    },
  };
}

/**
 * (i) OFREP: one flag evaluated per request through the orchestration service as main() wires it (auth by API key,
 * zod validation, flagd-core evaluation from the in-memory snapshot, access log), against the bare fastify rate
 * (4) at the same concurrency (DESIGN §10: ≥ 0.8×). The flag has a 10-rule targeting ending in a fractional split,
 * so every request walks the rules and hashes the targeting key.
 */
export async function measureOfrep(options: {
  store: PostgresEventStore;
  databaseUrl: string;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  rounds: number;
}): Promise<Figure[]> {
  const target = await startOfrepTarget(options);
  try {
    const loop = { concurrency: options.concurrency, durationMs: options.durationMs, warmupMs: options.warmupMs };
    // Paired with its baseline, alternating, best of `rounds` each: both see the same machine state.
    const [bare, ofrep] = await alternateBestOf(options.rounds, [
      () => measureBareFastify(loop),
      () => closedLoop(target.evaluate, loop),
    ]);
    const name = `(i) OFREP evaluate (10 rules + fractional) vs bare fastify, ${options.concurrency} in flight`;
    // Informational: CPU per request of the same best rounds (client included), the inverse ratio of cost, which a
    // busy shared machine disturbs less than the rates.
    const cpu = ratioFigure(
      '    CPU per request, bare fastify ÷ OFREP',
      bare!.cpuMicrosPerUnit,
      'µs',
      ofrep!.cpuMicrosPerUnit,
      0,
    );
    return [ratioFigure(name, ofrep!.rate, 'req/s', bare!.rate, 0.8), { ...cpu, target: null }];
  } finally {
    await target.close();
  }
}
