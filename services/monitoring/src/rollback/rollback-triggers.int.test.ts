import { randomUUID } from 'node:crypto';
import { deploymentWatchStream, MonitoringErrorCodes } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteria, publishCriteria, startDeployment } from '../test-support/deployment-history.js';
import { type MonitoringFixture, startMonitoring } from '../test-support/monitoring-fixture.js';

// M6 end to end inside the service: planning's criteria and orchestration's deployment events are appended to their
// streams in the real store, relayed to NATS, learnt by monitoring's durable consumers; the analysis watcher measures
// pushed samples and raises RollbackTriggered in deploymentWatch-<id>.
const clock = { now: new Date() };
let f: MonitoringFixture;
let sre: { authorization: string };
beforeAll(async () => {
  f = await startMonitoring('rollbacktrig', {
    bus: true,
    now: () => clock.now,
    analysisTemplate: {
      count: 3,
      intervalSeconds: 1,
      failureLimit: 0,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
      shadow: false,
    },
  });
  sre = await f.auth('sre-oli', ['sre']);
});
afterAll(() => f?.close());

const push = (service: string, version: string, metric: string, values: number[], from = clock.now) =>
  f.app.inject({
    method: 'POST',
    url: '/metrics/samples',
    headers: sre,
    payload: {
      service,
      environment: 'prod',
      version,
      samples: values.map((value, i) => ({
        metric,
        at: new Date(from.getTime() - (values.length - i) * 5000).toISOString(),
        value,
      })),
    },
  });
const healthy = async (service: string, version: string) => {
  expect((await push(service, version, 'error-rate', [0.5, 0.4, 0.6])).statusCode).toBe(202);
  expect((await push(service, version, 'latency-p95', [300, 320, 310])).statusCode).toBe(202);
  expect((await push(service, version, 'health', [1, 1, 1])).statusCode).toBe(202);
};
const advance = (seconds: number) => {
  clock.now = new Date(clock.now.getTime() + seconds * 1000);
};
const typesOf = async (deploymentId: string) =>
  (await f.eventsOf(deploymentWatchStream(deploymentId))).map((e) => e.type);
/** Ticks until the watcher has started the deployment's run (the consumers learnt deployment and criteria). */
const watched = (deploymentId: string) =>
  waitFor('the deployment watched', async () => {
    await f.runtime.watcher.tick();
    return (await typesOf(deploymentId)).includes('AnalysisRunStarted');
  });

describe('rollback triggers', () => {
  it("raises RollbackTriggered once, with the evidence, when the error rate breaches the release's criteria", async () => {
    const releaseId = randomUUID();
    await publishCriteria(f, releaseId, 'checkout');
    await healthy('checkout', '2.4.0');
    const d = await startDeployment(f, { releaseId, service: 'checkout', version: '2.4.0', baselineVersion: '2.3.9' });
    await watched(d.deploymentId);
    expect(await typesOf(d.deploymentId)).toEqual(['AnalysisRunStarted', 'AnalysisMeasured']);

    // The error rate climbs (3, 5, 6 %): the window's mean goes above the 2 % allowed.
    advance(1);
    const firstBad = new Date(clock.now.getTime() - 15_000);
    expect((await push('checkout', '2.4.0', 'error-rate', [3, 5, 6])).statusCode).toBe(202);
    expect(await f.runtime.watcher.tick()).toBe(3);
    const events = await f.eventsOf(deploymentWatchStream(d.deploymentId));
    expect(events.map((e) => e.type)).toEqual([
      'AnalysisRunStarted',
      'AnalysisMeasured',
      'AnalysisMeasured',
      'AnalysisRunCompleted',
      'RollbackTriggered',
    ]);
    expect(events[3]!.data).toMatchObject({ phase: 'Failed' });
    const triggered = events[4]!.data;
    expect(triggered).toMatchObject({
      deploymentId: d.deploymentId,
      releaseId,
      service: 'checkout',
      environment: 'prod',
      criterion: { kind: 'error-rate', metric: 'error-rate', threshold: 2, windowSeconds: 60 },
      judgementId: null,
    });
    expect((triggered.observed as { value: number }).value).toBeGreaterThan(2);
    expect((triggered.observed as { samples: { max: number } }).samples.max).toBe(6);
    expect(triggered.firstBadSampleAt).toBe(firstBad.toISOString());

    // Idempotent per deployment: a second run that fails again raises nothing more.
    const again = await f.app.inject({
      method: 'POST',
      url: `/deployments/${d.deploymentId}/analysis`,
      headers: sre,
      payload: { count: 1 },
    });
    expect(again.statusCode, again.body).toBe(201);
    advance(1);
    await f.runtime.watcher.tick();
    const after = await typesOf(d.deploymentId);
    expect(after.filter((t) => t === 'RollbackTriggered')).toHaveLength(1);
    expect(after.at(-1)).toBe('AnalysisRunCompleted');

    const view = await f.app.inject({ method: 'GET', url: `/deployments/${d.deploymentId}/watch`, headers: sre });
    expect(view.statusCode).toBe(200);
    expect(view.json().rollback).toMatchObject({ criterion: { metric: 'error-rate' } });
    expect(view.json().runs).toHaveLength(2);
  });

  it('ends a canary without traffic Nodata and never rolls it back', async () => {
    const releaseId = randomUUID();
    await publishCriteria(f, releaseId, 'search');
    const d = await startDeployment(f, { releaseId, service: 'search', version: '1.1.0' });
    await watched(d.deploymentId);
    advance(1);
    await f.runtime.watcher.tick();
    advance(1);
    await f.runtime.watcher.tick();
    const events = await f.eventsOf(deploymentWatchStream(d.deploymentId));
    expect(events.map((e) => e.type)).toEqual([
      'AnalysisRunStarted',
      'AnalysisMeasured',
      'AnalysisMeasured',
      'AnalysisMeasured',
      'AnalysisRunCompleted',
    ]);
    expect(events.at(-1)!.data).toMatchObject({ phase: 'Nodata' });
  });

  it('in shadow mode records what it would have triggered, and triggers nothing', async () => {
    const releaseId = randomUUID();
    await publishCriteria(f, releaseId, 'ledger', criteria({ dataIntegrityChecks: ['balances'] }));
    await healthy('ledger', '3.0.0');
    const d = await startDeployment(f, { releaseId, service: 'ledger', version: '3.0.0' });
    await watched(d.deploymentId);
    advance(1);
    await f.runtime.watcher.tick();
    advance(1);
    await f.runtime.watcher.tick();
    expect((await typesOf(d.deploymentId)).at(-1)).toBe('AnalysisRunCompleted');
    // A data-integrity check finds violations; a shadow run measures it.
    expect((await push('ledger', '3.0.0', 'data-integrity:balances', [0, 0, 4])).statusCode).toBe(202);
    const res = await f.app.inject({
      method: 'POST',
      url: `/deployments/${d.deploymentId}/analysis`,
      headers: sre,
      payload: { shadow: true, count: 2 },
    });
    expect(res.statusCode, res.body).toBe(201);
    advance(1);
    await f.runtime.watcher.tick();
    const events = await f.eventsOf(deploymentWatchStream(d.deploymentId));
    expect(events.map((e) => e.type).slice(-2)).toEqual(['AnalysisRunCompleted', 'RollbackShadowed']);
    expect(events.at(-1)!.data).toMatchObject({
      criterion: { kind: 'data-integrity', metric: 'data-integrity:balances' },
    });
    expect(events.map((e) => e.type)).not.toContain('RollbackTriggered');
  });

  it('answers problem+json to bad input and changes nothing', async () => {
    const unknown = await f.app.inject({
      method: 'POST',
      url: `/deployments/${randomUUID()}/analysis`,
      headers: sre,
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json().code).toBe(MonitoringErrorCodes.DEPLOYMENT_UNKNOWN);

    const nonNumber = await f.app.inject({
      method: 'POST',
      url: '/metrics/samples',
      headers: sre,
      payload: {
        service: 'checkout',
        environment: 'prod',
        version: '9.9.9',
        samples: [
          { metric: 'error-rate', at: clock.now.toISOString(), value: 1 },
          { metric: 'error-rate', at: clock.now.toISOString(), value: 'lots' },
        ],
      },
    });
    expect(nonNumber.statusCode).toBe(400);
    expect(nonNumber.headers['content-type']).toContain('application/problem+json');
    const { rows } = await f.pool.query(`SELECT 1 FROM monitoring.metric_samples WHERE version = '9.9.9'`);
    expect(rows).toEqual([]);

    const badTemplate = await f.app.inject({
      method: 'POST',
      url: `/deployments/${randomUUID()}/analysis`,
      headers: sre,
      payload: { count: 0, surprise: true },
    });
    expect(badTemplate.statusCode).toBe(400);

    const noWatch = await f.app.inject({ method: 'GET', url: `/deployments/${randomUUID()}/watch`, headers: sre });
    expect(noWatch.statusCode).toBe(404);
    expect(noWatch.json().code).toBe(MonitoringErrorCodes.WATCH_NOT_FOUND);
  });
});
