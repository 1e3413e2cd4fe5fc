import { windowOverrideStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';

// POST /windows/overrides (O3): deployment-lead or admin, with a reason; the check then shows it.
describe('POST /windows/overrides', () => {
  let f: OrchestrationFixture;

  beforeAll(async () => {
    f = await startOrchestration('override', { start: new Date('2026-12-24T20:00:00Z') });
    await (await f.as('sre-sam', ['sre'])).post(
      '/environments',
      environmentBody('api-prod', 'prod', { service: 'api' }),
    );
    const rm = await f.as('rm-ana', ['release-manager']);
    const cal = await rm.post('/calendars', {
      name: 'Freeze',
      holidays: [{ country: 'GB', types: ['public', 'bank'] }],
    });
    expect(cal.statusCode).toBe(201);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('records an admin override (from now by default) that the window check then shows', async () => {
    const admin = await f.as('root', ['admin']);
    const res = await admin.post('/windows/overrides', {
      service: 'api',
      environment: 'api-prod',
      until: '2026-12-26T00:00:00Z',
      reason: 'Certificate expiry',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ from: '2026-12-24T20:00:00.000Z', grantedBy: 'root' });
    expect((await f.events(windowOverrideStream(res.json().id)))[0]).toMatchObject({
      type: 'EmergencyOverrideGranted',
      data: { grantedWithRole: 'admin', reason: 'Certificate expiry' },
    });
    await f.settle();
    const check = await admin.get('/windows/check?service=api&environment=api-prod&at=2026-12-25T10:00:00Z');
    expect(check.json()).toMatchObject({
      allowed: true,
      verdict: 'overridden',
      decidedBy: [{ source: 'holiday', reason: 'Christmas Day (GB, public holiday)' }],
      override: { overrideId: res.json().id },
    });
    // The override is for api-prod only, and only until it ends.
    const after = await admin.get('/windows/check?service=api&environment=api-prod&at=2026-12-26T10:00:00Z');
    expect(after.json()).toMatchObject({ allowed: false, verdict: 'denied' });
  });

  it('refuses a deployer and a reason of blanks, appending nothing', async () => {
    const before = await f.head();
    const body = { service: 'api', environment: 'api-prod', until: '2026-12-26T00:00:00Z', reason: 'x' };
    const deployer = await f.as('ci', ['deployer']);
    expect((await deployer.post('/windows/overrides', body)).statusCode).toBe(403);
    const lead = await f.as('lead', ['deployment-lead']);
    expect((await lead.post('/windows/overrides', { ...body, reason: '   ' })).statusCode).toBe(400);
    expect(await f.head()).toBe(before);
  });
});
