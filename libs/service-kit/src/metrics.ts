import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';

/**
 * The process-wide registry: services and libs add their gauges here (relay lag, projection lag, dead letters)
 * and `/metrics` serves it. Default Node metrics are collected once.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** One route × method × status: its answers, their summed duration, and how many fell in each bucket (not cumulative). */
interface Series {
  labels: { method: string; route: string; status_code: string };
  count: number;
  sum: number;
  buckets: Float64Array;
}

/**
 * `http_requests_total` and `http_request_duration_seconds`, kept as plain numbers per series and turned into
 * prom-client's metric shape only when scraped. prom-client's own Counter and Histogram hash the label object on
 * every observation, even through a labelled child: ~3 µs of a ~105 µs OFREP evaluation on the reference machine.
 * The exposition is the same as theirs (cumulative `_bucket` series with `le`, then `_sum` and `_count`).
 */
export class HttpTraffic {
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();
  private readonly all: Series[] = [];

  record(method: string, route: string, statusCode: number, seconds: number): void {
    const series = this.seriesOf(method, route, statusCode);
    series.count++;
    series.sum += seconds;
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]!) i++;
    series.buckets[i]!++;
  }

  private seriesOf(method: string, route: string, statusCode: number): Series {
    let byMethod = this.byRoute.get(route);
    if (!byMethod) {
      byMethod = new Map();
      this.byRoute.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let series = byStatus.get(statusCode);
    if (!series) {
      series = {
        labels: { method, route, status_code: String(statusCode) },
        count: 0,
        sum: 0,
        buckets: new Float64Array(DURATION_BUCKETS.length + 1),
      };
      byStatus.set(statusCode, series);
      this.all.push(series);
    }
    return series;
  }

  reset(): void {
    this.byRoute.clear();
    this.all.length = 0;
  }

  /** The two metrics as a prom-client registry reads them (`get()` at scrape time). */
  metrics() {
    const traffic = this;
    const requests = {
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route template, method and status',
      type: 'counter' as const,
      aggregator: 'sum' as const,
      get() {
        const values = traffic.all.map((s) => ({ labels: { ...s.labels }, value: s.count }));
        return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
      },
      reset: () => traffic.reset(),
    };
    const duration = {
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency, by route template, method and status',
      type: 'histogram' as const,
      aggregator: 'sum' as const,
      get() {
        const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
        for (const s of traffic.all) {
          let cumulative = 0;
          DURATION_BUCKETS.forEach((le, i) => {
            cumulative += s.buckets[i]!;
            values.push({ labels: { le, ...s.labels }, value: cumulative, metricName: `${this.name}_bucket` });
          });
          values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket` });
          values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
          values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
        }
        return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
      },
      reset: () => traffic.reset(),
    };
    return [requests, duration];
  }
}

// One set of HTTP metrics per registry: tests and services build many apps on the same registry, and
// prom-client refuses to register a metric name twice.
const trafficByRegistry = new WeakMap<Registry, HttpTraffic>();

function httpTraffic(registry: Registry): HttpTraffic {
  let traffic = trafficByRegistry.get(registry);
  if (!traffic) {
    traffic = new HttpTraffic();
    for (const metric of traffic.metrics()) registry.registerMetric(metric as unknown as Metric);
    trafficByRegistry.set(registry, traffic);
  }
  return traffic;
}

/**
 * Records one answered request in the registry's HTTP traffic metrics. The app calls it from its single
 * `onResponse` hook (one hook for the access log and the metrics: each hook is a step of every request).
 */
export function httpTrafficRecorder(
  registry: Registry,
): (request: FastifyRequest, reply: FastifyReply, routeUrl: string | undefined) => void {
  const traffic = httpTraffic(registry);
  return (request, reply, routeUrl) => {
    // The route template (undefined when no route matched), never the raw url: ids in paths would explode label
    // cardinality.
    traffic.record(request.method, routeUrl ?? '(unmatched)', reply.statusCode, reply.elapsedTime / 1000);
  };
}

/** Serves the registry at `GET /metrics` (public, Prometheus text format). */
export function installMetrics(app: FastifyInstance, registry: Registry) {
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
