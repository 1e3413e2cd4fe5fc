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
  const target = await startBareFastify(options.concurrency);
  try {
    return await closedLoop(target.evaluate, options);
  } finally {
    await target.close();
  }
}

/** The baseline's route listening on loopback, and one request of its load (`evaluate`, as the OFREP target's). */
export async function startBareFastify(
  concurrency: number,
): Promise<{ evaluate(): Promise<number>; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.post('/things', async (request, reply) => {
    const body = request.body as { name?: string };
    return reply.code(201).send({ id: randomUUID(), name: body.name ?? null });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('fastify did not listen on a TCP port');
  const client = jsonPoster(`http://127.0.0.1:${address.port}`, concurrency);
  return {
    async evaluate() {
      await client.post('/things', { name: 'bench release', targetDate: '2026-06-30' });
      return 1;
    },
    async close() {
      await client.close();
      await app.close();
    },
  };
}
