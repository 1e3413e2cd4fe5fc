import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HttpTraffic } from './metrics.js';

const sample: [string, string, number, number][] = [
  ['POST', '/releases', 201, 0.0004],
  ['POST', '/releases', 201, 0.001],
  ['POST', '/releases', 201, 0.0031],
  ['POST', '/releases', 409, 0.02],
  ['GET', '/releases/:id', 200, 0.7],
  ['GET', '/releases/:id', 200, 12],
  ['GET', '/releases/:id', 404, 0.0025],
];

/** The same observations through prom-client's own Counter and Histogram: the exposition ours must match. */
async function reference(): Promise<string> {
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route template, method and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by route template, method and status',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  for (const [method, route, status, seconds] of sample) {
    const labels = { method, route, status_code: String(status) };
    requests.inc(labels);
    duration.observe(labels, seconds);
  }
  return registry.metrics();
}

const lines = (text: string) => text.split('\n').filter(Boolean).sort();

describe('HTTP traffic metrics', () => {
  it('expose exactly what prom-client’s Counter and Histogram would for the same observations', async () => {
    const registry = new Registry();
    const traffic = new HttpTraffic();
    for (const metric of traffic.metrics()) registry.registerMetric(metric as never);
    for (const [method, route, status, seconds] of sample) traffic.record(method, route, status, seconds);
    const ours = await registry.metrics();
    expect(lines(ours)).toEqual(lines(await reference()));
    expect(ours).toContain(
      'http_request_duration_seconds_bucket{le="0.005",method="POST",route="/releases",status_code="201"} 3',
    );
    expect(ours).toContain('http_requests_total{method="GET",route="/releases/:id",status_code="200"} 2');
  });

  it('start again from nothing when the registry resets its metrics', async () => {
    const registry = new Registry();
    const traffic = new HttpTraffic();
    for (const metric of traffic.metrics()) registry.registerMetric(metric as never);
    traffic.record('GET', '/x', 200, 0.01);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('route="/x"');
    traffic.record('GET', '/x', 200, 0.01);
    expect(await registry.metrics()).toContain('http_requests_total{method="GET",route="/x",status_code="200"} 1');
  });
});
