import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How a simulated app instance behaves, per version: set through the control endpoint. */
export interface Behaviour {
  /** Fraction of requests answered with an error (0..1). */
  errorRate: number;
  /** Typical latency; samples spread between half and one and a half times it. */
  latencyMs: number;
  /** Requests a version at 100% weight serves between two scrapes. */
  requestsPerScrape: number;
  /** Sessions an instance of a version that takes traffic has open. */
  sessions: number;
}

export const DEFAULT_BEHAVIOUR: Behaviour = { errorRate: 0.001, latencyMs: 40, requestsPerScrape: 200, sessions: 50 };

interface Target {
  registry: Registry;
  requests: Counter<'code'>;
  sessions: Gauge;
  latency: Histogram;
  behaviour: Behaviour;
  /** Carries the fractional errors over, so an error rate of 0.001 still shows up over many scrapes. */
  errorDebt: number;
  seed: number;
}

/**
 * Simulated app instances, one Prometheus scrape target per service, environment and version. Each scrape first
 * serves the traffic that version would have had since the last one (its live weight × requestsPerScrape), then
 * exposes the counters and the latency histogram in the text exposition format, through prom-client. The names are the
 * ones monitoring's default PromQL templates query: `http_requests_total{code}`, the `http_request_duration_seconds`
 * histogram and the `active_sessions` gauge, each labelled service, environment and version.
 */
export class SimulatedApps {
  private readonly targets = new Map<string, Target>();

  private target(service: string, environment: string, version: string): Target {
    const key = `${service}\u0000${environment}\u0000${version}`;
    let t = this.targets.get(key);
    if (!t) {
      const registry = new Registry();
      registry.setDefaultLabels({ service, environment, version });
      t = {
        registry,
        requests: new Counter({
          name: 'http_requests_total',
          help: 'Requests answered, by status code.',
          labelNames: ['code'],
          registers: [registry],
        }),
        sessions: new Gauge({ name: 'active_sessions', help: 'Sessions open now.', registers: [registry] }),
        latency: new Histogram({
          name: 'http_request_duration_seconds',
          help: 'Request latency.',
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
          registers: [registry],
        }),
        behaviour: { ...DEFAULT_BEHAVIOUR },
        errorDebt: 0,
        seed: key.length * 7919,
      };
      this.targets.set(key, t);
    }
    return t;
  }

  setBehaviour(service: string, environment: string, version: string, b: Partial<Behaviour>): Behaviour {
    const t = this.target(service, environment, version);
    t.behaviour = { ...t.behaviour, ...b };
    return t.behaviour;
  }

  /** Serves `weight`% of a scrape's traffic, then renders the target's metrics. */
  async scrape(service: string, environment: string, version: string, weight: number): Promise<string> {
    const t = this.target(service, environment, version);
    const n = Math.round((t.behaviour.requestsPerScrape * weight) / 100);
    t.errorDebt += n * t.behaviour.errorRate;
    const errors = Math.min(n, Math.floor(t.errorDebt));
    t.errorDebt -= errors;
    // Both codes are always exposed (0 included), so an error-rate query has a series before the first error.
    t.requests.inc({ code: '200' }, n - errors);
    t.requests.inc({ code: '500' }, errors);
    // Per instance, as a canary judge compares them: a version that takes traffic holds its sessions, whatever its weight.
    t.sessions.set(weight > 0 ? t.behaviour.sessions : 0);
    for (let i = 0; i < n; i++) {
      // A small linear congruential generator: the same spread on every run, no Math.random in a fake.
      t.seed = (t.seed * 1103515245 + 12345) % 2147483648;
      const u = t.seed / 2147483648;
      t.latency.observe((t.behaviour.latencyMs * (0.5 + u)) / 1000);
    }
    return t.registry.metrics();
  }

  contentType(): string {
    return Registry.PROMETHEUS_CONTENT_TYPE;
  }
}
