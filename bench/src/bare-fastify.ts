import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { jsonPoster } from './http-client.js';
import { closedLoop, type ThroughputResult } from './measure.js';

/**
 * Baseline (4): a bare fastify route (POST with a small JSON body answered 201) on loopback, driven in-process at
 * `concurrency` requests in flight — what HTTP alone costs here, client included.
 */
export async function measureBareFastify(options: {
  concurrency: number;
  durationMs: number;
  warmupMs: number;
}): Promise<ThroughputResult> {
  const app = Fastify({ logger: false });
  app.post('/things', async (request, reply) => {
    const body = request.body as { name?: string };
    return reply.code(201).send({ id: randomUUID(), name: body.name ?? null });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('fastify did not listen on a TCP port');
  const client = jsonPoster(`http://127.0.0.1:${address.port}`, options.concurrency);
  try {
    return await closedLoop(async () => {
      await client.post('/things', { name: 'bench release', targetDate: '2026-06-30' });
      return 1;
    }, options);
  } finally {
    await client.close();
    await app.close();
  }
}
