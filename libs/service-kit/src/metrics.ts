import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process-wide registry: services and libs add their gauges here (relay lag, projection lag, dead letters)
 * and `/metrics` serves it. Default Node metrics are collected once.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

type Label = 'method' | 'route' | 'status_code';

interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status_code'>;
  duration: Histogram<'method' | 'route' | 'status_code'>;
}

// One set of HTTP metrics per registry: tests and services build many apps on the same registry, and
// prom-client refuses to register a metric name twice.
const httpMetricsByRegistry = new WeakMap<Registry, HttpMetrics>();

function httpMetrics(registry: Registry): HttpMetrics {
  let metrics = httpMetricsByRegistry.get(registry);
  if (!metrics) {
    const labelNames = ['method', 'route', 'status_code'] as const;
    metrics = {
      requests: new Counter({
        name: 'http_requests_total',
        help: 'HTTP requests answered, by route template, method and status',
        labelNames,
        registers: [registry],
      }),
      duration: new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request latency, by route template, method and status',
        labelNames,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
    };
    httpMetricsByRegistry.set(registry, metrics);
  }
  return metrics;
}

/** Records every response and serves the registry at `GET /metrics` (public, Prometheus text format). */
export function installMetrics(app: FastifyInstance, registry: Registry) {
  const metrics = httpMetrics(registry);
  // The labelled children, by route, method and status: prom-client hashes a label object on every call
  // otherwise. Bounded by the routes × methods × statuses the app answers.
  type Series = { requests: Counter.Internal; duration: Histogram.Internal<Label> };
  const series = new Map<string, Map<string, Map<number, Series>>>();
  const seriesOf = (method: string, route: string, statusCode: number): Series => {
    let byMethod = series.get(route);
    if (!byMethod) {
      byMethod = new Map();
      series.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let one = byStatus.get(statusCode);
    if (!one) {
      const labels = { method, route, status_code: String(statusCode) };
      one = { requests: metrics.requests.labels(labels), duration: metrics.duration.labels(labels) };
      byStatus.set(statusCode, one);
    }
    return one;
  };
  app.addHook('onResponse', (request, reply, done) => {
    // The route template, never the raw url: ids in paths would explode label cardinality.
    const route = request.is404 ? '(unmatched)' : (request.routeOptions.url ?? '(unmatched)');
    const one = seriesOf(request.method, route, reply.statusCode);
    one.requests.inc();
    one.duration.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true }, config: { public: true, otel: false } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

/**
 * A gauge whose value is read when `/metrics` is scraped (relay lag, projection lag …). A failing read leaves
 * the gauge unset for that scrape rather than failing the whole scrape.
 */
export function observedGauge(
  name: string,
  help: string,
  read: () => Promise<number>,
  registry = metricsRegistry,
): void {
  if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      try {
        this.set(await read());
      } catch {
        this.reset();
      }
    },
  });
}

const labeledReaders = new Map<string, Map<string, () => Promise<number>>>();

/**
 * One series of a labelled gauge read at scrape time, e.g. `railyard_projection_lag_events{projection="…"}`:
 * each caller adds its own label value; a value added again replaces the earlier reader.
 */
export function observedGaugeSeries(
  name: string,
  help: string,
  label: string,
  value: string,
  read: () => Promise<number>,
  registry = metricsRegistry,
): void {
  const key = `${name}\u0000${label}`;
  let readers = labeledReaders.get(key);
  if (!readers || !registry.getSingleMetric(name)) {
    readers = new Map();
    labeledReaders.set(key, readers);
    const series = readers;
    if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [labelValue, readOne] of series) {
          try {
            this.set({ [label]: labelValue }, await readOne());
          } catch {
            // A failing read leaves its series out of this scrape.
          }
        }
      },
    });
  }
  readers.set(value, read);
}
