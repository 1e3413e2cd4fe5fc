import { ErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  developer,
  type MonitoringSpecFixture,
  sre,
  startMonitoringSpecs,
} from '../../test-support/monitoring-spec.js';

// Samples are measurements, not decisions: they go to monitoring.metric_samples and append no event anywhere (the
// specification fails on any event appended in any stream).
describe('POST /metrics/samples', () => {
  let s: MonitoringSpecFixture;
  beforeAll(async () => {
    s = await startMonitoringSpecs('monPushSamples');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const push = (payload: unknown, actor = sre) => s.request('POST', '/metrics/samples', actor, payload);
  const series = (version: string) => ({ service: 'checkout', environment: 'prod', version });
  const samples = [
    { metric: 'error-rate', at: '2026-12-01T11:59:00.000Z', value: 0.4 },
    { metric: 'error-rate', at: '2026-12-01T11:59:10.000Z', value: 0.6 },
    { metric: 'latency-p95', at: '2026-12-01T11:59:00.000Z', value: 310 },
  ];

  it('stores every new sample (202) and appends no event', async () => {
    await s
      .spec()
      .when(push({ ...series('2.4.0'), samples }))
      .then({ status: 202, body: { received: 3, stored: 3 } });
  });

  it('a push repeating stored samples stores only the new one', async () => {
    await s
      .spec()
      .when(push({ ...series('2.4.1'), samples }))
      .then({ status: 202, body: { stored: 3 } });
    await s
      .spec()
      .when(push({ ...series('2.4.1'), samples: [...samples, { ...samples[0], at: '2026-12-01T11:59:20.000Z' }] }))
      .then({ status: 202, body: { received: 4, stored: 1 } });
  });

  it('400 for a metric it does not know', async () => {
    await s
      .spec()
      .when(push({ ...series('2.4.0'), samples: [{ metric: 'cpu', at: '2026-12-01T11:59:00.000Z', value: 1 }] }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });

  it('403 for a developer', async () => {
    await s
      .spec()
      .when(push({ ...series('2.4.0'), samples }, developer))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
