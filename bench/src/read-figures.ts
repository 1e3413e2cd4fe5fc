import { buildApp, createLogger, signDevToken } from '@railyard/service-kit';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { jsonPoster } from './http-client.js';
import { alternateBestOf, closedLoop } from './measure.js';
import { type Figure, ratioFigure } from './report.js';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256!';
// What an OFREP flag evaluation answers: a constant here, so the figure is the cost of the layers, not of a rule.
const EVALUATION = { key: 'new-checkout', value: true, reason: 'STATIC', variant: 'on' };

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('fastify did not listen on a TCP port');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Figure (g): an OFREP-style read (GET a flag's evaluation) through every layer of the service kit — auth, the text
 * rule, zod params and response, problem handlers, metrics, the per-request log line — against the same route on
 * bare fastify, alternating so both see the same machine. DESIGN §10: flag evaluation ≥ 0.8× a bare fastify route.
 */
export async function measureKitRead(options: {
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  rounds: number;
}): Promise<Figure[]> {
  const bare = Fastify({ logger: false });
  bare.get('/ofrep/v1/flags/:key', async () => EVALUATION);
  // Logs at info like production, to a sink: the line's serialisation is part of the cost.
  const kit = await buildApp({
    serviceName: 'bench-kit',
    version: '0',
    auth: { secret: SECRET },
    logger: createLogger({ level: 'info', destination: { write: () => {} } }),
  });
  kit.get(
    '/ofrep/v1/flags/:key',
    {
      schema: {
        params: z.object({ key: z.string().min(1).max(200) }),
        response: { 200: z.object({ key: z.string(), value: z.boolean(), reason: z.string(), variant: z.string() }) },
      },
    },
    async () => EVALUATION,
  );
  const [bareOrigin, kitOrigin] = [await listen(bare), await listen(kit)];
  const headers = {
    authorization: `Bearer ${await signDevToken({ sub: 'bench', roles: ['developer'], secret: SECRET })}`,
  };
  const bareClient = jsonPoster(bareOrigin, options.concurrency);
  const kitClient = jsonPoster(kitOrigin, options.concurrency);
  try {
    const loop = (get: () => Promise<unknown>) => () =>
      closedLoop(
        async () => {
          await get();
          return 1;
        },
        { concurrency: options.concurrency, durationMs: options.durationMs, warmupMs: options.warmupMs },
      );
    const [bareRate, kitRate] = await alternateBestOf(options.rounds, [
      loop(() => bareClient.get('/ofrep/v1/flags/new-checkout')),
      loop(() => kitClient.get('/ofrep/v1/flags/new-checkout', headers)),
    ]);
    return [
      {
        name: `    bare fastify GET, ${options.concurrency} in flight`,
        value: bareRate!.rate,
        unit: 'req/s',
        baseline: null,
        ratio: null,
        target: null,
        higherIsBetter: true,
      },
      ratioFigure(
        `(g) OFREP-style GET through the kit, ${options.concurrency} in flight`,
        kitRate!.rate,
        'req/s',
        bareRate!.rate,
        0.8,
      ),
    ];
  } finally {
    await bareClient.close();
    await kitClient.close();
    await bare.close();
    await kit.close();
  }
}
