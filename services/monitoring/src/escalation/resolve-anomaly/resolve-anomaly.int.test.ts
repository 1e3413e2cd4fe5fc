import { AnomalyOpened, AnomalyResolved, anomalyStream, ErrorCodes, MonitoringErrorCodes } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type MonitoringSpecFixture, SPEC_NOW, sre, startMonitoringSpecs } from '../../test-support/monitoring-spec.js';

describe('POST /anomalies/:anomalyId/resolve', () => {
  let s: MonitoringSpecFixture;
  beforeAll(async () => {
    s = await startMonitoringSpecs('monResolveAnomaly');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const resolve = (anomalyId: string, payload: unknown = { reason: 'rolled back, error rate normal' }) =>
    s.request('POST', `/anomalies/${anomalyId}/resolve`, sre, payload);
  const opened = (anomalyId: string) =>
    event(AnomalyOpened, {
      anomalyId,
      source: 'analysis',
      service: 'checkout',
      environment: 'prod',
      deploymentId: null,
      releaseId: null,
      severity: 'error',
      summary: 'Checkout 5xx above 5%',
      openedAt: '2026-12-01T11:40:00.000Z',
    });
  const resolved = (anomalyId: string, resolvedAt = SPEC_NOW.toISOString()) =>
    event(AnomalyResolved, { anomalyId, resolvedAt, reason: 'rolled back, error rate normal' });

  it('resolves an open anomaly: AnomalyResolved at the service clock', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(anomalyStream(id), opened(id))
      .when(resolve(id))
      .then({
        status: 200,
        body: { anomalyId: id, resolvedAt: SPEC_NOW.toISOString() },
        events: { [anomalyStream(id)]: [resolved(id)] },
      });
  });

  it('409 MONITORING_ANOMALY_RESOLVED the second time', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(anomalyStream(id), opened(id), resolved(id, '2026-12-01T11:50:00.000Z'))
      .when(resolve(id))
      .then({ status: 409, code: MonitoringErrorCodes.ANOMALY_RESOLVED });
  });

  it('404 MONITORING_ANOMALY_NOT_FOUND for an anomaly never opened', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(anomalyStream(id))
      .when(resolve(id))
      .then({ status: 404, code: MonitoringErrorCodes.ANOMALY_NOT_FOUND });
  });

  it('400 without a reason', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(anomalyStream(id), opened(id))
      .when(resolve(id, {}))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
