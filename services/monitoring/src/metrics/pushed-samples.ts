import type pg from 'pg';
import type { MetricQuery, MetricResult, MetricsSource, Sample, SeriesLabels } from './domain/metrics-source.js';

/** Samples pushed as JSON to `POST /metrics/samples`, kept in `monitoring.metric_samples`. */
export function pushedSamples(pool: pg.Pool) {
  return {
    /** Stores samples; a sample already stored for the same series and time is kept (a retried push adds nothing). */
    async store(labels: SeriesLabels, metric: string, samples: Sample[]): Promise<number> {
      if (samples.length === 0) return 0;
      const { rowCount } = await pool.query(
        `INSERT INTO monitoring.metric_samples (service, environment, version, metric, at, value)
         SELECT $1, $2, $3, $4, s.at, s.value FROM unnest($5::timestamptz[], $6::float8[]) AS s(at, value)
         ON CONFLICT DO NOTHING`,
        [
          labels.service,
          labels.environment,
          labels.version,
          metric,
          samples.map((s) => s.at),
          samples.map((s) => s.value),
        ],
      );
      return rowCount ?? 0;
    },
    async query(q: MetricQuery): Promise<MetricResult> {
      try {
        const { rows } = await pool.query<{ at: Date; value: number }>(
          `SELECT at, value FROM monitoring.metric_samples
           WHERE service = $1 AND environment = $2 AND version = $3 AND metric = $4 AND at BETWEEN $5 AND $6
           ORDER BY at LIMIT 11000`,
          [q.service, q.environment, q.version, q.metric, q.start, q.end],
        );
        return { kind: 'samples', samples: rows };
      } catch (error) {
        return { kind: 'error', message: `pushed samples unavailable: ${(error as Error).message}` };
      }
    },
  } satisfies MetricsSource & Record<string, unknown>;
}
export type PushedSamples = ReturnType<typeof pushedSamples>;
