import { MonitoringErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MonitoringFixture, startMonitoring } from '../../test-support/monitoring-fixture.js';
import { judgementStream } from '../canary-commands.js';
import { normalSample, seeded } from '../test-support/samples.js';

let f: MonitoringFixture;
let sre: { authorization: string };
beforeAll(async () => {
  f = await startMonitoring('judgecanary');
  sre = await f.auth('sre-oli', ['sre']);
});
afterAll(() => f?.close());

const random = seeded(7);
const baseline = normalSample(random, 60, 0.01, 0.002);
const climbing = normalSample(random, 60, 0.035, 0.004);
const latencyBase = normalSample(random, 60, 120, 10);
const latencyCanary = normalSample(random, 60, 121, 10);
const thresholds = { pass: 95, marginal: 75 };
const judge = (payload: object, headers = sre) =>
  f.app.inject({ method: 'POST', url: '/canary/judge', headers, payload });

describe('POST /canary/judge', () => {
  it('judges a canary whose error rate climbs High and the run Fail, and records input and result as one event', async () => {
    const payload = {
      subject: { service: 'checkout', canaryVersion: '2.4.0', baselineVersion: '2.3.9' },
      metrics: [
        { name: 'error-rate', baseline, canary: climbing, direction: 'increase', critical: true },
        { name: 'latency-p95', baseline: latencyBase, canary: latencyCanary, direction: 'increase' },
      ],
      thresholds,
    };
    const res = await judge(payload);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.verdict).toBe('Fail');
    expect(body.score).toBe(0);
    expect(body.forcedToZero).toBe('critical metric failed: error-rate');
    const errors = body.metrics[0];
    expect(errors).toMatchObject({ name: 'error-rate', classification: 'High', criticalFailure: true });
    expect(errors.interval[0]).toBeGreaterThan(0);
    expect(errors.ratio).toBeGreaterThan(3);
    expect(body.metrics[1]).toMatchObject({ name: 'latency-p95', classification: 'Pass' });

    const events = await f.eventsOf(judgementStream(body.judgementId));
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('CanaryJudged');
    const { input, result, subject, judgedBy } = events[0]!.data as Record<string, unknown>;
    expect({ subject, judgedBy }).toEqual({ subject: payload.subject, judgedBy: 'sre-oli' });
    expect(input).toEqual({ metrics: payload.metrics, thresholds });
    expect(result).toEqual(
      Object.fromEntries(Object.entries(body).filter(([k]) => !['judgementId', 'subject', 'judgedBy'].includes(k))),
    );

    const again = await f.app.inject({ method: 'GET', url: res.headers.location as string, headers: sre });
    expect(again.statusCode).toBe(200);
    expect(again.json().rejudged).toEqual({ score: 0, verdict: 'Fail', same: true });
  });

  it('ends a canary without traffic Nodata, leaving the score to the metrics with data', async () => {
    const res = await judge({
      metrics: [
        { name: 'error-rate', baseline, canary: [] },
        { name: 'latency-p95', baseline: latencyBase, canary: latencyCanary },
        { name: 'sessions', baseline: latencyBase, canary: latencyCanary },
      ],
      thresholds,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().metrics[0]).toMatchObject({ classification: 'Nodata', reason: 'no data from the canary' });
    expect(res.json()).toMatchObject({ score: 100, verdict: 'Pass' });
  });

  const bad: [string, object, number, string][] = [
    [
      'group weights over 100',
      { metrics: [{ name: 'm', baseline, canary: baseline, group: 'a' }], groups: { a: 70, b: 40 }, thresholds },
      422,
      MonitoringErrorCodes.CANARY_CONFIG_INVALID,
    ],
    [
      'thresholds out of order',
      { metrics: [{ name: 'm', baseline, canary: baseline }], thresholds: { pass: 50, marginal: 90 } },
      422,
      MonitoringErrorCodes.CANARY_CONFIG_INVALID,
    ],
    [
      'samples that are not numbers',
      { metrics: [{ name: 'm', baseline: [1, 'two', 3], canary: [1] }], thresholds },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    ['no metrics', { metrics: [], thresholds }, 400, 'RAILYARD_REQUEST_INVALID'],
    [
      'an unknown direction',
      { metrics: [{ name: 'm', baseline, canary: baseline, direction: 'up' }], thresholds },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'an unknown field',
      { metrics: [{ name: 'm', baseline, canary: baseline, weight: 3 }], thresholds },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    ['no thresholds', { metrics: [{ name: 'm', baseline, canary: baseline }] }, 400, 'RAILYARD_REQUEST_INVALID'],
  ];
  it.each(bad)('refuses %s with problem+json, recording nothing', async (_name, payload, status, code) => {
    const before = await f.store.headPosition();
    const res = await judge(payload);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe(code);
    expect(await f.store.countAfter(before)).toBe(0);
  });

  it('needs a role that watches deployments, and answers 404 for an unknown judgement', async () => {
    const analyst = await f.auth('ana', ['analyst']);
    expect(
      (await judge({ metrics: [{ name: 'm', baseline, canary: baseline }], thresholds }, analyst)).statusCode,
    ).toBe(403);
    const missing = await f.app.inject({
      method: 'GET',
      url: `/canary/judgements/${crypto.randomUUID()}`,
      headers: sre,
    });
    expect([missing.statusCode, missing.json().code]).toEqual([404, MonitoringErrorCodes.JUDGEMENT_NOT_FOUND]);
  });
});
