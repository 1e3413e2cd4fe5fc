import {
  AlertCorrelated,
  AlertReceived,
  AnomalyOpened,
  AnomalyResolved,
  alertStream,
  anomalyStream,
  ErrorCodes,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { alertAnomalyId } from '../../escalation/alert-anomalies.js';
import { type MonitoringSpecFixture, SPEC_NOW, sre, startMonitoringSpecs } from '../../test-support/monitoring-spec.js';

// No deployment is known here (no bus): every alert correlates with none in the window. Correlation with deployments
// learnt from orchestration is alerts.int.test.ts's subject.
describe('POST /alerts/alertmanager', () => {
  let s: MonitoringSpecFixture;
  beforeAll(async () => {
    s = await startMonitoringSpecs('monAlertmanager');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const fresh = () => crypto.randomUUID().replaceAll('-', '').slice(0, 16);
  const labels = { alertname: 'HighErrorRate', service: 'checkout', environment: 'prod', severity: 'critical' };
  const annotations = { summary: 'Checkout 5xx above 5%' };
  // Alertmanager sends nanoseconds; the service keeps milliseconds.
  const startsAt = '2026-12-01T11:58:00.123456789Z';
  const started = '2026-12-01T11:58:00.123Z';
  const webhook = (alerts: object[], over: object = {}) =>
    s.request('POST', '/alerts/alertmanager', sre, {
      version: '4',
      groupKey: '{}:{alertname="HighErrorRate"}',
      status: 'firing',
      receiver: 'railyard',
      groupLabels: { alertname: 'HighErrorRate' },
      commonLabels: labels,
      commonAnnotations: annotations,
      externalURL: 'http://alertmanager:9093',
      alerts,
      ...over,
    });
  const alert = (fingerprint: string, status: 'firing' | 'resolved', over: object = {}) => ({
    status,
    labels,
    annotations,
    startsAt,
    endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-12-01T12:00:00.5Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint,
    ...over,
  });
  const none = 'no deployment of checkout or of a service it depends on in the 15 min before the alert';
  const received = (fingerprint: string, status: 'firing' | 'resolved') =>
    event(AlertReceived, {
      fingerprint,
      status,
      source: 'alertmanager',
      labels,
      annotations,
      startsAt: started,
      endsAt: status === 'firing' ? null : '2026-12-01T12:00:00.500Z',
      service: 'checkout',
      environment: 'prod',
    });
  const correlated = (fingerprint: string, status: 'firing' | 'resolved') =>
    event(AlertCorrelated, {
      fingerprint,
      status,
      deploymentId: null,
      relation: 'none-in-window',
      windowMinutes: 15,
      reason: none,
    });
  const opened = (fingerprint: string) =>
    event(AnomalyOpened, {
      anomalyId: alertAnomalyId(fingerprint, started),
      source: 'alert',
      service: 'checkout',
      environment: 'prod',
      deploymentId: null,
      releaseId: null,
      severity: 'critical',
      summary: 'Checkout 5xx above 5%',
      openedAt: started,
    });

  it('records a firing alert and its correlation, and opens its anomaly: AlertReceived, AlertCorrelated, AnomalyOpened', async () => {
    const fp = fresh();
    const anomaly = anomalyStream(alertAnomalyId(fp, started));
    await s
      .spec()
      .given(alertStream(fp))
      .when(webhook([alert(fp, 'firing')]))
      .then({
        status: 200,
        body: {
          alerts: [
            {
              fingerprint: fp,
              status: 'firing',
              duplicate: false,
              relation: 'none-in-window',
              deploymentId: null,
              reason: none,
            },
          ],
        },
        events: { [alertStream(fp)]: [received(fp, 'firing'), correlated(fp, 'firing')], [anomaly]: [opened(fp)] },
      });
  });

  it('the same alert with the status it has is a duplicate: nothing recorded', async () => {
    const fp = fresh();
    await s
      .spec()
      .given(alertStream(fp), received(fp, 'firing'), correlated(fp, 'firing'))
      .given(anomalyStream(alertAnomalyId(fp, started)), opened(fp))
      .when(webhook([alert(fp, 'firing')]))
      .then({ status: 200, body: { alerts: [{ fingerprint: fp, status: 'firing', duplicate: true }] } });
  });

  it('resolved, it is recorded again and resolves its anomaly: AlertReceived, AlertCorrelated, AnomalyResolved', async () => {
    const fp = fresh();
    const anomalyId = alertAnomalyId(fp, started);
    await s
      .spec()
      .given(alertStream(fp), received(fp, 'firing'), correlated(fp, 'firing'))
      .given(anomalyStream(anomalyId), opened(fp))
      .when(webhook([alert(fp, 'resolved')], { status: 'resolved' }))
      .then({
        status: 200,
        body: { alerts: [{ fingerprint: fp, status: 'resolved', duplicate: false }] },
        events: {
          [alertStream(fp)]: [received(fp, 'resolved'), correlated(fp, 'resolved')],
          [anomalyStream(anomalyId)]: [
            event(AnomalyResolved, { anomalyId, resolvedAt: SPEC_NOW.toISOString(), reason: 'the alert resolved' }),
          ],
        },
      });
  });

  it('an alert naming no service is recorded, correlated with nothing, and opens no anomaly', async () => {
    const fp = fresh();
    const bare = { alertname: 'DiskFull', instance: 'db-1' };
    await s
      .spec()
      .given(alertStream(fp))
      .when(webhook([alert(fp, 'firing', { labels: bare, annotations: {} })]))
      .then({
        status: 200,
        events: {
          [alertStream(fp)]: [
            event(AlertReceived, {
              fingerprint: fp,
              status: 'firing',
              source: 'alertmanager',
              labels: bare,
              annotations: {},
              startsAt: started,
              endsAt: null,
              service: null,
              environment: null,
            }),
            event(AlertCorrelated, {
              fingerprint: fp,
              status: 'firing',
              deploymentId: null,
              relation: 'none-in-window',
              windowMinutes: 15,
              reason: 'the alert names no service',
            }),
          ],
        },
      });
  });

  it('400 for another webhook version', async () => {
    const fp = fresh();
    await s
      .spec()
      .given(alertStream(fp))
      .when(webhook([alert(fp, 'firing')], { version: '3' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
