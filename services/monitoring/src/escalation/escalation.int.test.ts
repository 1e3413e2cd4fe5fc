import { randomUUID } from 'node:crypto';
import { anomalyStream, deploymentStream, MonitoringErrorCodes } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPlan, startDeployment } from '../test-support/deployment-history.js';
import { type FakePagerDuty, startFakePagerDuty } from '../test-support/fake-pagerduty.js';
import { type MonitoringFixture, startMonitoring } from '../test-support/monitoring-fixture.js';

// M7: anomalies unresolved after the configured time are paged to a fake PagerDuty (a real HTTP server on
// loopback) as Events v2 triggers carrying the deployment's context; deploys and rollbacks go as change events.
const ROUTING_KEY = 'R0UT1NGKEY0123456789ABCDEFGHIJKL';
const clock = { now: new Date() };
let pd: FakePagerDuty;
let f: MonitoringFixture;
let sre: { authorization: string };
const releaseId = randomUUID();
let checkout: Awaited<ReturnType<typeof startDeployment>>;

beforeAll(async () => {
  pd = await startFakePagerDuty();
  f = await startMonitoring('escalate', {
    bus: true,
    now: () => clock.now,
    runtime: {
      pagerDuty: { url: pd.url, routingKey: ROUTING_KEY, maxAttempts: 3, backoffMs: [10] },
      escalateAfterMinutes: 15,
      escalationTickMs: false,
      publicUrl: 'https://railyard.example',
    },
  });
  sre = await f.auth('sre-oli', ['sre']);
  const planId = await publishPlan(f, {
    releaseId,
    lead: 'lead-lea',
    services: [{ service: 'checkout', version: '2.4.0' }],
  });
  checkout = await startDeployment(f, {
    releaseId,
    planId,
    service: 'checkout',
    version: '2.4.0',
    baselineVersion: '2.3.9',
  });
  await waitFor('the context learnt', async () => {
    const { rows } = await f.pool.query(
      `SELECT (SELECT count(*) FROM monitoring.deployments) AS d, (SELECT count(*) FROM monitoring.rollout_plans) AS p`,
    );
    return Number(rows[0].d) === 1 && Number(rows[0].p) === 1;
  });
});
afterAll(async () => {
  await f?.close();
  await pd?.close();
});

const advanceMinutes = (m: number) => {
  clock.now = new Date(clock.now.getTime() + m * 60_000);
};
const triggersFor = (anomalyId: string) =>
  pd.received.filter((r) => r.path === '/v2/enqueue' && r.body.dedup_key === `railyard-anomaly-${anomalyId}`);
/** Ticks until the projection has the anomaly and the escalator has dealt with it. */
const escalated = (anomalyId: string) =>
  waitFor('the escalation recorded', async () => {
    await f.runtime.escalator!.tick();
    const events = await f.eventsOf(anomalyStream(anomalyId));
    return events.find((e) => e.type === 'AnomalyEscalated');
  });
const openAnomaly = async (summary: string) => {
  const res = await f.app.inject({
    method: 'POST',
    url: '/anomalies',
    headers: sre,
    payload: { service: 'checkout', environment: 'prod', severity: 'warning', summary },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().anomalyId as string;
};

describe('escalation', () => {
  it('pages a correlated alert left unresolved, with release, versions, changes, lead and last events', async () => {
    // The alert starts half a minute after the deployment did (the deployment's time is the store's).
    clock.now = new Date(Date.now() + 30_000);
    const alert = await f.app.inject({
      method: 'POST',
      url: '/alerts',
      headers: sre,
      payload: {
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'CheckoutErrors', service: 'checkout', environment: 'prod', severity: 'critical' },
            annotations: { summary: 'checkout 5xx above 2%' },
            startsAt: clock.now.toISOString(),
          },
        ],
      },
    });
    expect(alert.json().alerts[0]).toMatchObject({ relation: 'same-service', deploymentId: checkout.deploymentId });
    const [opened] = await f.store.readAll({ filter: { categories: ['anomaly'], eventTypes: ['AnomalyOpened'] } });
    const anomalyId = opened!.data.anomalyId as string;
    expect(opened!.data).toMatchObject({
      source: 'alert',
      severity: 'critical',
      releaseId,
      deploymentId: checkout.deploymentId,
    });

    // Not yet due: nothing is sent.
    await waitFor('the anomaly projected', async () => {
      const { rows } = await f.pool.query('SELECT 1 FROM monitoring.anomaly_list WHERE anomaly_id = $1', [anomalyId]);
      return rows.length === 1;
    });
    expect(await f.runtime.escalator!.tick()).toBe(0);
    expect(triggersFor(anomalyId)).toEqual([]);

    // 16 minutes on, PagerDuty first answers 503 (retried), then 202.
    advanceMinutes(16);
    pd.answerNext(503);
    const event = await escalated(anomalyId);
    expect(event.data).toMatchObject({
      anomalyId,
      dedupKey: `railyard-anomaly-${anomalyId}`,
      lead: 'lead-lea',
      releaseId,
      attempts: 2,
      responseStatus: 202,
      sentTo: `${pd.url}/v2/enqueue`,
    });
    // The escalation carries the deployment's correlation: governance's incident, opened from it, shares it.
    const scheduled = (await f.store.readStream(deploymentStream(checkout.deploymentId))).find(
      (e) => e.type === 'DeploymentScheduled',
    );
    const recorded = (await f.store.readStream(anomalyStream(anomalyId))).find((e) => e.type === 'AnomalyEscalated');
    expect(recorded!.metadata.correlationId).toBe(scheduled!.metadata.correlationId);
    const sent = triggersFor(anomalyId);
    expect(sent.map((s) => s.answered)).toEqual([503, 202]);
    const body = sent[1]!.body as {
      payload: { timestamp: string; custom_details: { lastEvents: { type: string }[] } };
    };
    expect(body).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `railyard-anomaly-${anomalyId}`,
      payload: {
        summary: 'checkout 5xx above 2%',
        source: 'checkout.prod',
        severity: 'critical',
        component: 'checkout',
        group: 'prod',
        class: 'alert',
      },
      links: [{ href: `https://railyard.example/anomalies/${anomalyId}`, text: 'Railyard anomaly' }, expect.anything()],
    });
    expect(Number.isNaN(Date.parse(body.payload.timestamp))).toBe(false);
    expect(body.payload.custom_details).toMatchObject({
      release: releaseId,
      deploymentId: checkout.deploymentId,
      versions: { deployed: '2.4.0', baseline: '2.3.9' },
      changes: [{ sha: 'abc1234', committedAt: '2026-12-01T10:00:00Z' }],
      lead: 'lead-lea',
    });
    expect(body.payload.custom_details.lastEvents.map((e: { type: string }) => e.type)).toContain('AnomalyOpened');

    // Escalated once: later passes send nothing more.
    await f.runtime.escalator!.tick();
    expect(triggersFor(anomalyId)).toHaveLength(2);
  });

  it('does not retry a trigger PagerDuty refuses (400), and records the refusal', async () => {
    const anomalyId = await openAnomaly('refused');
    advanceMinutes(16);
    pd.answerNext(400);
    const event = await escalated(anomalyId);
    expect(event.data).toMatchObject({ attempts: 1, responseStatus: 400 });
    expect(triggersFor(anomalyId).map((s) => s.answered)).toEqual([400]);
  });

  it('retries 429 up to its attempts, then leaves the anomaly for the next pass', async () => {
    const anomalyId = await openAnomaly('throttled');
    advanceMinutes(16);
    pd.answerNext(429, 429, 429);
    await waitFor('three attempts', async () => {
      await f.runtime.escalator!.tick();
      return triggersFor(anomalyId).length >= 3;
    });
    expect((await f.eventsOf(anomalyStream(anomalyId))).map((e) => e.type)).toEqual(['AnomalyOpened']);
    const event = await escalated(anomalyId);
    expect(event.data).toMatchObject({ attempts: 1, responseStatus: 202 });
    expect(triggersFor(anomalyId).map((s) => s.answered)).toEqual([429, 429, 429, 202]);
  });

  it('never pages an anomaly resolved in time; resolving twice or an unknown one is refused', async () => {
    const anomalyId = await openAnomaly('transient');
    const resolve = (id: string) =>
      f.app.inject({ method: 'POST', url: `/anomalies/${id}/resolve`, headers: sre, payload: { reason: 'cleared' } });
    expect((await resolve(anomalyId)).statusCode).toBe(200);
    const again = await resolve(anomalyId);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe(MonitoringErrorCodes.ANOMALY_RESOLVED);
    const unknown = await resolve(randomUUID());
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    advanceMinutes(16);
    await waitFor('the resolution projected', async () => {
      const { rows } = await f.pool.query(`SELECT status FROM monitoring.anomaly_list WHERE anomaly_id = $1`, [
        anomalyId,
      ]);
      return rows[0]?.status === 'resolved';
    });
    await f.runtime.escalator!.tick();
    expect(triggersFor(anomalyId)).toEqual([]);
    const view = await f.app.inject({ method: 'GET', url: `/anomalies/${anomalyId}`, headers: sre });
    expect(view.json()).toMatchObject({ status: 'resolved', escalated: null });
  });

  it('sends every deploy and rollback as a PagerDuty change event', async () => {
    type Change = { payload: { summary: string; custom_details: { kind: string } } };
    const changes = () => pd.received.filter((r) => r.path === '/v2/change/enqueue').map((r) => r.body as Change);
    await waitFor('the deploy change event', () => changes().some((c) => c.payload.custom_details.kind === 'deploy'));
    await f.appendAs('orchestration', deploymentStream(checkout.deploymentId), [
      {
        type: 'DeploymentRolledBack',
        data: {
          ...checkout,
          to: { ...checkout.artifact, version: '2.3.9' },
          trigger: { kind: 'monitoring', triggerId: null, by: 'orchestration' },
          reason: 'error rate above criteria',
        },
      },
    ]);
    const rollback = await waitFor('the rollback change event', () =>
      changes().find((c) => c.payload.custom_details.kind === 'rollback'),
    );
    expect(rollback).toMatchObject({
      routing_key: ROUTING_KEY,
      payload: {
        summary: 'Rollback of checkout 2.4.0 in prod (back to 2.3.9)',
        source: 'checkout.prod',
        custom_details: { deploymentId: checkout.deploymentId, release: releaseId, rolledBackTo: '2.3.9' },
      },
    });
    expect(changes().find((c) => c.payload.custom_details.kind === 'deploy')!.payload.summary).toBe(
      'Deploy of checkout 2.4.0 to prod',
    );
  });
});
