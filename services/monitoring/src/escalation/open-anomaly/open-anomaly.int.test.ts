import { AnomalyOpened, anomalyStream, ErrorCodes } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  developer,
  type MonitoringSpecFixture,
  SPEC_NOW,
  sre,
  startMonitoringSpecs,
} from '../../test-support/monitoring-spec.js';

describe('POST /anomalies', () => {
  let s: MonitoringSpecFixture;
  beforeAll(async () => {
    s = await startMonitoringSpecs('monOpenAnomaly');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const open = (payload: unknown, actor = sre) => s.request('POST', '/anomalies', actor, payload);
  const deploymentId = '0193a5b0-0000-7000-8000-0000000000d1';
  const releaseId = '0193a5b0-0000-7000-8000-0000000000e1';

  it('opens an anomaly in a stream of its own: AnomalyOpened, at the service clock', async () => {
    await s
      .spec()
      .when(
        open({
          service: 'checkout',
          environment: 'prod',
          deploymentId,
          releaseId,
          severity: 'critical',
          summary: 'Checkout 5xx above 5%',
          source: 'journey',
        }),
      )
      .then({
        status: 201,
        body: (body: { anomalyId: string }, response) =>
          expect(response.headers.location).toBe(`/anomalies/${body.anomalyId}`),
        events: (response) => {
          const { anomalyId } = response.json() as { anomalyId: string };
          return {
            [anomalyStream(anomalyId)]: [
              event(AnomalyOpened, {
                anomalyId,
                source: 'journey',
                service: 'checkout',
                environment: 'prod',
                deploymentId,
                releaseId,
                severity: 'critical',
                summary: 'Checkout 5xx above 5%',
                openedAt: SPEC_NOW.toISOString(),
              }),
            ],
          };
        },
      });
  });

  it('by default from an analysis, with no environment, deployment or release', async () => {
    await s
      .spec()
      .when(open({ service: 'checkout', severity: 'warning', summary: 'p95 creeping up' }))
      .then({
        status: 201,
        events: (response) => {
          const { anomalyId } = response.json() as { anomalyId: string };
          return {
            [anomalyStream(anomalyId)]: [
              event(AnomalyOpened, {
                anomalyId,
                source: 'analysis',
                service: 'checkout',
                environment: null,
                deploymentId: null,
                releaseId: null,
                severity: 'warning',
                summary: 'p95 creeping up',
                openedAt: SPEC_NOW.toISOString(),
              }),
            ],
          };
        },
      });
  });

  it('400 for an unknown severity', async () => {
    await s
      .spec()
      .when(open({ service: 'checkout', severity: 'sev1', summary: 'down' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });

  it('403 for a developer', async () => {
    await s
      .spec()
      .when(open({ service: 'checkout', severity: 'error', summary: 'down' }, developer))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
