import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotice {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * The notification webhook governance's notices go to, as a real HTTP server on loopback (a third party we do not
 * run). It answers each request with the next status of `statuses` (then 200) and keeps what it received.
 */
export async function startFakeWebhook(statuses: number[] = []) {
  const received: ReceivedNotice[] = [];
  const queue = [...statuses];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = queue.shift() ?? 200;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'unavailable');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notices`,
    received,
    /** Requests answered 2xx whose JSON body matches. */
    delivered: (match: (body: Record<string, unknown>) => boolean) =>
      received.filter((r) => r.status < 300 && match(JSON.parse(r.body))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
