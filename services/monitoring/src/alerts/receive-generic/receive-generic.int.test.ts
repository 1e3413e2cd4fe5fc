import {
  AlertCorrelated,
  AlertReceived,
  AnomalyOpened,
  alertStream,
  anomalyStream,
  ErrorCodes,
} from '@railyard/contracts';
import { event, waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { alertAnomalyId } from '../../escalation/alert-anomalies.js';
import { startDeployment } from '../../test-support/deployment-history.js';
import { type MonitoringSpecFixture, sre, startMonitoringSpecs } from '../../test-support/monitoring-spec.js';
import { labelFingerprint } from '../alert-intake.js';

// With the bus: one deployment of checkout to prod, learnt from orchestration's events before the specifications.
describe('POST /alerts', () => {
  let s: MonitoringSpecFixture;
  const releaseId = crypto.randomUUID();
  let deploymentId: string;
  /** The deployment's start as monitoring learnt it, plus `minutes`. */
  let afterStart: (minutes: number) => string;
  beforeAll(async () => {
    s = await startMonitoringSpecs('monAlertsGeneric', { bus: true });
    ({ deploymentId } = await startDeployment(s.f, { releaseId, service: 'checkout', version: '2.4.0' }));
    const startedAt = await waitFor('monitoring to learn the deployment', async () => {
      const { rows } = await s.f.pool.query<{ started_at: Date | null }>(
        'SELECT started_at FROM monitoring.deployments WHERE deployment_id = $1',
        [deploymentId],
      );
      return rows[0]?.started_at ?? undefined;
    });
    afterStart = (minutes) => new Date(startedAt.getTime() + minutes * 60_000).toISOString();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const send = (alerts: object[]) => s.request('POST', '/alerts', sre, { alerts });
  /** Labels of an alert of its own: the fingerprint derived from them is new to the store. */
  const labelsOf = (service: string) => ({
    alertname: 'HighErrorRate',
    service,
    environment: 'prod',
    instance: crypto.randomUUID().slice(0, 8),
  });

  it("derives the fingerprint from the labels and links the alert to its service's deployment before it", async () => {
    const labels = labelsOf('checkout');
    const fp = labelFingerprint(labels);
    const startsAt = afterStart(2);
    const anomalyId = alertAnomalyId(fp, startsAt);
    const reason = 'checkout 2.4.0 was deployed to prod 2 min before the alert';
    await s
      .spec()
      .given(alertStream(fp))
      .when(send([{ status: 'firing', labels, startsAt }]))
      .then({
        status: 200,
        body: {
          alerts: [
            { fingerprint: fp, status: 'firing', duplicate: false, relation: 'same-service', deploymentId, reason },
          ],
        },
        events: {
          [alertStream(fp)]: [
            event(AlertReceived, {
              fingerprint: fp,
              status: 'firing',
              source: 'generic',
              labels,
              annotations: {},
              startsAt,
              endsAt: null,
              service: 'checkout',
              environment: 'prod',
            }),
            event(AlertCorrelated, {
              fingerprint: fp,
              status: 'firing',
              deploymentId,
              relation: 'same-service',
              windowMinutes: 15,
              reason,
            }),
          ],
          [anomalyStream(anomalyId)]: [
            event(AnomalyOpened, {
              anomalyId,
              source: 'alert',
              service: 'checkout',
              environment: 'prod',
              deploymentId,
              releaseId,
              severity: 'error',
              summary: 'HighErrorRate',
              openedAt: startsAt,
            }),
          ],
        },
      });
  });

  it('an alert of a service not deployed in the window: none-in-window, its anomaly opened without a deployment', async () => {
    const labels = labelsOf('search');
    const fp = 'search.latency.1';
    const startsAt = afterStart(3);
    const anomalyId = alertAnomalyId(fp, startsAt);
    const reason = 'no deployment of search or of a service it depends on in the 15 min before the alert';
    await s
      .spec()
      .given(alertStream(fp))
      .when(
        send([
          {
            fingerprint: fp,
            status: 'firing',
            labels: { ...labels, severity: 'warning' },
            annotations: { summary: 'search p95 above 800 ms' },
            startsAt,
          },
        ]),
      )
      .then({
        status: 200,
        events: {
          [alertStream(fp)]: [
            event(AlertReceived, {
              fingerprint: fp,
              status: 'firing',
              source: 'generic',
              labels: { ...labels, severity: 'warning' },
              annotations: { summary: 'search p95 above 800 ms' },
              startsAt,
              endsAt: null,
              service: 'search',
              environment: 'prod',
            }),
            event(AlertCorrelated, {
              fingerprint: fp,
              status: 'firing',
              deploymentId: null,
              relation: 'none-in-window',
              windowMinutes: 15,
              reason,
            }),
          ],
          [anomalyStream(anomalyId)]: [
            event(AnomalyOpened, {
              anomalyId,
              source: 'alert',
              service: 'search',
              environment: 'prod',
              deploymentId: null,
              releaseId: null,
              severity: 'warning',
              summary: 'search p95 above 800 ms',
              openedAt: startsAt,
            }),
          ],
        },
      });
  });

  it('the same alert again is a duplicate: nothing recorded', async () => {
    const labels = labelsOf('checkout');
    const fp = labelFingerprint(labels);
    const startsAt = afterStart(4);
    await s
      .spec()
      .given(
        alertStream(fp),
        event(AlertReceived, {
          fingerprint: fp,
          status: 'firing',
          source: 'generic',
          labels,
          annotations: {},
          startsAt,
          endsAt: null,
          service: 'checkout',
          environment: 'prod',
        }),
      )
      .when(send([{ status: 'firing', labels, startsAt }]))
      .then({ status: 200, body: { alerts: [{ fingerprint: fp, duplicate: true }] } });
  });

  it('400 for an alert without labels', async () => {
    await s
      .spec()
      .when(send([{ status: 'firing', labels: {}, startsAt: afterStart(1) }]))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
