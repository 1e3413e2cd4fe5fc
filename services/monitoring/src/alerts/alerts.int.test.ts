import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { alertStream } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAlertmanager, startAlertmanager } from '../test-support/alertmanager.js';
import { publishPlan, startDeployment } from '../test-support/deployment-history.js';
import { type MonitoringFixture, startMonitoring } from '../test-support/monitoring-fixture.js';

// M2: alerts deduplicated by fingerprint and status, correlated with the deployments and the contract graph learnt
// from orchestration's events; the last test has a real Alertmanager deliver to the listening service.
let f: MonitoringFixture;
let sre: { authorization: string };
let checkout: { deploymentId: string };
let orders: { deploymentId: string };
let alertmanager: RunningAlertmanager | undefined;

beforeAll(async () => {
  f = await startMonitoring('alertcorr', { bus: true });
  sre = await f.auth('alertmanager', ['sre']);
  const releaseId = randomUUID();
  // storefront consumes orders-api, which orders provides: storefront depends on orders.
  await publishPlan(f, {
    releaseId,
    lead: 'lead-lea',
    services: [
      { service: 'orders', version: '5.0.0', provides: ['orders-api'] },
      { service: 'storefront', version: '3.1.0', consumes: ['orders-api'] },
      { service: 'checkout', version: '2.4.0' },
    ],
  });
  checkout = await startDeployment(f, { releaseId, service: 'checkout', version: '2.4.0' });
  orders = await startDeployment(f, { releaseId, service: 'orders', version: '5.0.0' });
  await waitFor('the context learnt', async () => {
    const { rows } = await f.pool.query(
      `SELECT (SELECT count(*) FROM monitoring.deployments WHERE status = 'running') AS d,
              (SELECT count(*) FROM monitoring.plan_services) AS p`,
    );
    return Number(rows[0].d) === 2 && Number(rows[0].p) === 3;
  });
});
afterAll(async () => {
  await alertmanager?.stop();
  await f?.close();
});

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const generic = (alerts: object[]) =>
  f.app.inject({ method: 'POST', url: '/alerts', headers: sre, payload: { alerts } });

describe('alert correlation', () => {
  it("links an alert to its own service's deployment in the window before it started", async () => {
    const res = await generic([
      {
        status: 'firing',
        labels: { alertname: 'HighErrorRate', service: 'checkout', environment: 'prod' },
        startsAt: inMinutes(2),
      },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const [outcome] = res.json().alerts;
    expect(outcome).toMatchObject({ relation: 'same-service', deploymentId: checkout.deploymentId, duplicate: false });
    const events = await f.eventsOf(alertStream(outcome.fingerprint));
    expect(events.map((e) => e.type)).toEqual(['AlertReceived', 'AlertCorrelated']);
    expect(events[0]!.data).toMatchObject({
      source: 'generic',
      service: 'checkout',
      environment: 'prod',
      endsAt: null,
    });
    expect(events[1]!.data).toMatchObject({
      relation: 'same-service',
      deploymentId: checkout.deploymentId,
      windowMinutes: 15,
    });
  });

  it('links an alert to a deployment of a service it depends on, from the contract graph', async () => {
    const res = await generic([
      {
        status: 'firing',
        labels: { alertname: 'SlowPages', service: 'storefront', environment: 'prod' },
        startsAt: inMinutes(1),
      },
    ]);
    expect(res.json().alerts[0]).toMatchObject({ relation: 'dependency', deploymentId: orders.deploymentId });
    expect(res.json().alerts[0].reason).toContain('storefront depends on orders');
  });

  it('records none-in-window for no deployment of the service, or one longer ago than the window', async () => {
    const res = await generic([
      {
        status: 'firing',
        labels: { alertname: 'DiskFull', service: 'billing', environment: 'prod' },
        startsAt: inMinutes(1),
      },
      {
        status: 'firing',
        labels: { alertname: 'Late', service: 'checkout', environment: 'prod' },
        startsAt: inMinutes(20),
      },
      { status: 'firing', labels: { alertname: 'NoService' }, startsAt: inMinutes(1) },
    ]);
    expect(res.json().alerts.map((a: { relation: string }) => a.relation)).toEqual([
      'none-in-window',
      'none-in-window',
      'none-in-window',
    ]);
    expect(res.json().alerts[2].reason).toBe('the alert names no service');
  });

  it('deduplicates by fingerprint and status: a repeat records nothing, a resolution is new', async () => {
    const alert = {
      fingerprint: 'abc123',
      status: 'firing',
      labels: { alertname: 'Flappy', service: 'checkout', environment: 'prod' },
      startsAt: inMinutes(1),
    };
    expect((await generic([alert])).json().alerts[0].duplicate).toBe(false);
    expect((await generic([alert])).json().alerts[0].duplicate).toBe(true);
    const resolved = await generic([{ ...alert, status: 'resolved', endsAt: inMinutes(3) }]);
    expect(resolved.json().alerts[0].duplicate).toBe(false);
    const events = await f.eventsOf(alertStream('abc123'));
    expect(events.map((e) => [e.type, e.data.status])).toEqual([
      ['AlertReceived', 'firing'],
      ['AlertCorrelated', 'firing'],
      ['AlertReceived', 'resolved'],
      ['AlertCorrelated', 'resolved'],
    ]);
  });

  it('refuses Alertmanager payloads of another version or without alerts with problem+json, recording nothing', async () => {
    const payload = {
      version: '4',
      groupKey: '{}:{alertname="X"}',
      status: 'firing',
      receiver: 'railyard',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'X', service: 'checkout' },
          annotations: {},
          startsAt: inMinutes(0),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: '',
          fingerprint: 'feedface',
        },
      ],
    };
    const { alerts, ...withoutAlerts } = payload;
    for (const bad of [{ ...payload, version: '3' }, withoutAlerts, { ...payload, alerts: [] }]) {
      const res = await f.app.inject({ method: 'POST', url: '/alerts/alertmanager', headers: sre, payload: bad });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await f.eventsOf(alertStream('feedface'))).toEqual([]);
    const generic400 = await generic([{ status: 'burning', labels: { a: 'b' }, startsAt: inMinutes(0) }]);
    expect(generic400.statusCode).toBe(400);
    expect(alerts).toHaveLength(1);
  });

  it('receives an alert from a real Alertmanager, correlated with the deployment', async () => {
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = f.app.server.address() as AddressInfo;
    const token = (await f.auth('alertmanager', ['sre'])).authorization.replace(/^Bearer /, '');
    alertmanager = await startAlertmanager(`http://127.0.0.1:${port}/alerts/alertmanager`, token);
    await alertmanager.push([
      {
        labels: { alertname: 'CheckoutErrors', service: 'checkout', environment: 'prod', severity: 'critical' },
        annotations: { summary: 'checkout 5xx above 2%' },
      },
    ]);
    const correlated = await waitFor('the alert from Alertmanager', async () => {
      const received = (
        await f.store.readAll({ filter: { categories: ['alert'], eventTypes: ['AlertReceived'] } })
      ).find((e) => (e.data.labels as Record<string, string>).alertname === 'CheckoutErrors');
      if (!received) return undefined;
      expect(received.data).toMatchObject({
        source: 'alertmanager',
        service: 'checkout',
        status: 'firing',
        endsAt: null,
      });
      const events = await f.eventsOf(received.streamId);
      return events.find((e) => e.type === 'AlertCorrelated');
    });
    expect(correlated.data).toMatchObject({
      relation: 'same-service',
      deploymentId: checkout.deploymentId,
      status: 'firing',
    });
  });
});
