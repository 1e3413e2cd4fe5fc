import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  path: string;
  body: Record<string, unknown>;
  answered: number;
}

export interface FakePagerDuty {
  url: string;
  received: ReceivedEvent[];
  /** The statuses the next alert events (`/v2/enqueue`) get, in order; afterwards 202. Change events get 202. */
  answerNext(...statuses: number[]): void;
  close(): Promise<void>;
}

/**
 * PagerDuty's Events API v2 as a real HTTP server on loopback (nobody can run PagerDuty here): `POST /v2/enqueue`
 * and `POST /v2/change/enqueue` answer 202 `{status: "success", message, dedup_key}` unless told otherwise; 400s
 * answer `{status: "invalid event", errors}` as the API does.
 */
export async function startFakePagerDuty(): Promise<FakePagerDuty> {
  const received: ReceivedEvent[] = [];
  const queue: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      const known = req.method === 'POST' && (req.url === '/v2/enqueue' || req.url === '/v2/change/enqueue');
      const status = !known ? 404 : req.url === '/v2/enqueue' ? (queue.shift() ?? 202) : 202;
      received.push({ path: req.url ?? '', body, answered: status });
      const answer =
        status === 202
          ? { status: 'success', message: 'Event processed', dedup_key: body.dedup_key ?? null }
          : status === 400
            ? { status: 'invalid event', message: 'Event object is invalid', errors: ['bad'] }
            : { status: 'error' };
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerNext: (...statuses) => queue.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
