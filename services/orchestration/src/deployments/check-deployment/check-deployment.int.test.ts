import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../../test-support/orchestration-fixture.js';

// POST /deployments/check: window, booking, data policy and quota in one answer; every refusal listed; nothing appended.
describe('POST /deployments/check', () => {
  let f: OrchestrationFixture;
  let ci: HttpClient;

  beforeAll(async () => {
    f = await startOrchestration('deployCheck', { start: new Date('2026-12-01T09:00:00Z') });
    const admin = await f.as('root', ['admin']);
    await admin.post('/environments', environmentBody('uat', 'test'));
    await admin.post('/datasets', { name: 'payments-copy', classification: 'confidential', productionDerived: true });
    await admin.put('/quotas/checkout-team/uat', {
      limits: { concurrentDeployments: 2, instances: 4, cpuUnits: 4, memoryUnits: 8 },
      whenExceeded: 'queue',
    });
    await admin.post('/quotas/checkout-team/uat/reservations', {
      deploymentId: 'running-1',
      demand: { instances: 2, cpuUnits: 2, memoryUnits: 4 },
    });
    await admin.post('/environments/uat/bookings', {
      releaseId: 'rel-other',
      phase: 'uat',
      from: '2026-12-02T00:00:00Z',
      until: '2026-12-03T00:00:00Z',
    });
    const cal = (await admin.post('/calendars', { name: 'nights' })).json().id;
    await admin.post(`/calendars/${cal}/windows`, {
      kind: 'deny',
      schedule: '0 22 * * *',
      durationMinutes: 480,
      timeZone: 'UTC',
      reason: 'no night deploys',
    });
    await f.settle();
    ci = await f.as('ci-bot', ['deployer']);
  });
  afterAll(async () => {
    await f?.close();
  });

  const deploy = {
    service: 'checkout',
    environment: 'uat',
    releaseId: 'rel-mine',
    team: 'checkout-team',
    demand: { instances: 1, cpuUnits: 1, memoryUnits: 1 },
  };

  it('allows a deployment that passes every check, with each check answered', async () => {
    const before = await f.head();
    const res = await ci.post('/deployments/check', { ...deploy, at: '2026-12-01T12:00:00Z' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      allowed: true,
      at: '2026-12-01T12:00:00.000Z',
      checks: {
        window: { allowed: true, verdict: 'no-windows', decidedBy: [], override: null },
        booking: { ok: true, heldBy: null },
        dataPolicy: { ok: true, refusals: [] },
        quota: { status: 'fits', exceeded: [] },
      },
    });
    expect(await f.head()).toBe(before);
  });

  it('refuses with 409 listing every failing check: night window, another release holding the booking, unmasked data, quota', async () => {
    const res = await ci.post('/deployments/check', {
      ...deploy,
      datasets: ['payments-copy'],
      demand: { instances: 3, cpuUnits: 1, memoryUnits: 1 },
      at: '2026-12-02T23:00:00Z',
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const body = res.json();
    expect(body.code).toBe('ORCHESTRATION_DEPLOYMENT_WINDOW_BLOCKED');
    expect(body.refusals.map((r: { check: string; code: string }) => [r.check, r.code])).toEqual([
      ['window', 'ORCHESTRATION_DEPLOYMENT_WINDOW_BLOCKED'],
      ['booking', 'ORCHESTRATION_ENVIRONMENT_BOOKED_BY_ANOTHER_RELEASE'],
      ['data-policy', 'ORCHESTRATION_MASKING_ATTESTATION_REQUIRED'],
      ['quota', 'ORCHESTRATION_QUOTA_EXCEEDED'],
    ]);
    expect(body.checks.quota).toEqual({
      status: 'queue',
      exceeded: [{ limit: 'instances', max: 4, wouldUse: 5, over: 1 }],
    });
    expect(body.refusals[1].detail).toContain('rel-other');
  });

  it('lets the release holding the booking through the booking check', async () => {
    const res = await ci.post('/deployments/check', { ...deploy, releaseId: 'rel-other', at: '2026-12-02T12:00:00Z' });
    expect(res.statusCode).toBe(200);
    expect(res.json().checks.booking).toMatchObject({ ok: true, heldBy: { releaseId: 'rel-other' } });
  });

  it('refuses a developer (403) and an unknown dataset (422)', async () => {
    const dev = await f.as('dev', ['developer']);
    expect((await dev.post('/deployments/check', deploy)).statusCode).toBe(403);
    const res = await ci.post('/deployments/check', { ...deploy, datasets: ['nope'] });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('ORCHESTRATION_DATASET_NOT_FOUND');
  });
});
