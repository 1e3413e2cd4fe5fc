import { deploymentCalendarStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../../test-support/orchestration-fixture.js';

// Calendars and windows over HTTP (O3): create, add, check, remove — the check answers with what decided it.
describe('deployment calendars and windows', () => {
  let f: OrchestrationFixture;
  let rm: HttpClient;
  let calendarId: string;

  beforeAll(async () => {
    f = await startOrchestration('windows');
    const sre = await f.as('sre-sam', ['sre']);
    await sre.post('/environments', environmentBody('shop-prod-eu', 'prod', { service: 'shop', region: 'eu' }));
    await sre.post('/environments', environmentBody('shop-prod-us', 'prod', { service: 'shop', region: 'us' }));
    rm = await f.as('rm-ana', ['release-manager']);
  });
  afterAll(async () => {
    await f?.close();
  });

  const check = async (environment: string, at: string) => {
    await f.settle();
    return (await rm.get(`/windows/check?service=shop&environment=${environment}&at=${at}`)).json();
  };

  it('creates a calendar and adds an allow window, a business-critical period and EU peak hours', async () => {
    const created = await rm.post('/calendars', { name: 'Shop prod' });
    expect(created.statusCode).toBe(201);
    calendarId = created.json().id;
    const office = await rm.post(`/calendars/${calendarId}/windows`, {
      kind: 'allow',
      schedule: '0 8 * * 1-5',
      durationMinutes: 600,
      timeZone: 'Europe/Berlin',
      selectors: { tiers: ['prod'] },
    });
    expect(office.statusCode).toBe(201);
    await rm.post(`/calendars/${calendarId}/windows`, {
      kind: 'deny',
      purpose: 'business-critical',
      schedule: '0 0 27 11 *',
      durationMinutes: 4 * 1440,
      timeZone: 'Europe/Berlin',
      reason: 'Black Friday weekend',
    });
    const peak = await rm.post(`/calendars/${calendarId}/windows`, {
      kind: 'deny',
      purpose: 'peak-hours',
      schedule: '0 12 * * *',
      durationMinutes: 120,
      timeZone: 'Europe/Berlin',
      selectors: { regions: ['eu'] },
    });
    expect(peak.json().windows).toHaveLength(3);
    const events = await f.events(deploymentCalendarStream(calendarId));
    expect(events.map((e) => e.type)).toEqual([
      'DeploymentCalendarCreated',
      'DeploymentWindowAdded',
      'DeploymentWindowAdded',
      'DeploymentWindowAdded',
    ]);
    expect(events[3]!.data).toEqual({
      calendarId,
      windowId: peak.json().windows[2].windowId,
      kind: 'deny',
      purpose: 'peak-hours',
      schedule: '0 12 * * *',
      durationMinutes: 120,
      timeZone: 'Europe/Berlin',
      selectors: { services: [], environments: [], tiers: [], regions: ['eu'] },
      reason: null,
      addedBy: 'rm-ana',
    });
  });

  it('answers from the windows: inside the allow window, outside it, peak hours by region, the business-critical period', async () => {
    // Wednesday 2 December 2026, Berlin is UTC+1.
    expect(await check('shop-prod-eu', '2026-12-02T09:00:00Z')).toMatchObject({
      allowed: true,
      verdict: 'inside-allow',
    });
    expect(await check('shop-prod-eu', '2026-12-02T19:00:00Z')).toMatchObject({
      allowed: false,
      verdict: 'outside-allow',
      decidedBy: [{ kind: 'allow', nextStart: '2026-12-03T07:00:00.000Z' }],
    });
    expect(await check('shop-prod-eu', '2026-12-02T11:30:00Z')).toMatchObject({
      allowed: false,
      verdict: 'denied',
      decidedBy: [{ purpose: 'peak-hours', activeFrom: '2026-12-02T11:00:00.000Z' }],
    });
    expect(await check('shop-prod-us', '2026-12-02T11:30:00Z')).toMatchObject({
      allowed: true,
      verdict: 'inside-allow',
    });
    expect(await check('shop-prod-eu', '2026-11-27T09:00:00Z')).toMatchObject({
      allowed: false,
      decidedBy: [{ purpose: 'business-critical', reason: 'Black Friday weekend' }],
    });
  });

  it('stops applying a window once it is removed', async () => {
    const calendar = (await rm.get(`/calendars/${calendarId}`)).json();
    const peakId = calendar.windows[2].windowId;
    const removed = await rm.del(`/calendars/${calendarId}/windows/${peakId}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().windows).toHaveLength(2);
    expect(await check('shop-prod-eu', '2026-12-02T11:30:00Z')).toMatchObject({ allowed: true });
    const again = await rm.del(`/calendars/${calendarId}/windows/${peakId}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('ORCHESTRATION_WINDOW_NOT_FOUND');
  });
});
