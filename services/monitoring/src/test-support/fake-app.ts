import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one version's instances are doing, as the test sets it. */
export interface AppBehaviour {
  requestsPerSecond: number;
  /** Share of requests answered 5xx, 0..1. */
  errorRatio: number;
  latencyMs: number;
  sessions: number;
  /** false: /metrics answers 503, so Prometheus's `up` is 0 (a failed health check). */
  healthy: boolean;
}

const BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 2, 5];

export interface FakeApp {
  address: string;
  behaviour: AppBehaviour;
  close(): Promise<void>;
}

/**
 * One version of a service on loopback, exposing `/metrics` in the Prometheus text format (version 0.0.4):
 * `http_requests_total{code}`, `http_request_duration_seconds` (histogram) and `active_sessions`. Counters advance
 * with real time at the behaviour's rate, so Prometheus's `rate()` sees what the test set. A stand-in for the
 * reference deploy agent's simulated instances, which will expose the same names.
 */
export async function startFakeApp(initial: Partial<AppBehaviour> = {}): Promise<FakeApp> {
  const behaviour: AppBehaviour = {
    requestsPerSecond: 50,
    errorRatio: 0,
    latencyMs: 120,
    sessions: 10,
    healthy: true,
    ...initial,
  };
  const totals = { ok: 0, errors: 0, buckets: BUCKETS.map(() => 0), inf: 0, sum: 0 };
  let last = Date.now();
  const advance = () => {
    const now = Date.now();
    const requests = (behaviour.requestsPerSecond * (now - last)) / 1000;
    last = now;
    totals.errors += requests * behaviour.errorRatio;
    totals.ok += requests * (1 - behaviour.errorRatio);
    const seconds = behaviour.latencyMs / 1000;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) totals.buckets[i]! += requests;
    });
    totals.inf += requests;
    totals.sum += requests * seconds;
  };
  const server: Server = createServer((req, res) => {
    advance();
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    if (!behaviour.healthy) return void res.writeHead(503).end('unhealthy');
    const lines = [
      '# HELP http_requests_total Requests answered, by status code.',
      '# TYPE http_requests_total counter',
      `http_requests_total{code="200"} ${totals.ok}`,
      `http_requests_total{code="500"} ${totals.errors}`,
      '# HELP http_request_duration_seconds Request latency.',
      '# TYPE http_request_duration_seconds histogram',
      ...BUCKETS.map((le, i) => `http_request_duration_seconds_bucket{le="${le}"} ${totals.buckets[i]}`),
      `http_request_duration_seconds_bucket{le="+Inf"} ${totals.inf}`,
      `http_request_duration_seconds_sum ${totals.sum}`,
      `http_request_duration_seconds_count ${totals.inf}`,
      '# HELP active_sessions Sessions open now.',
      '# TYPE active_sessions gauge',
      `active_sessions ${behaviour.sessions}`,
    ];
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    behaviour,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
