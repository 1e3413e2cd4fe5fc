import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../../test-support/orchestration-fixture.js';

// GET /windows/check (O3) over HTTP: a window keeps its local time across a DST change; holidays apply by selector.
describe('GET /windows/check', () => {
  let f: OrchestrationFixture;
  let rm: HttpClient;

  beforeAll(async () => {
    f = await startOrchestration('checkWindow');
    const sre = await f.as('sre', ['sre']);
    await sre.post('/environments', environmentBody('eu-prod', 'prod', { region: 'eu' }));
    await sre.post('/environments', environmentBody('eu-dev', 'dev', { region: 'eu' }));
    rm = await f.as('rm', ['release-manager']);
    const cal = (
      await rm.post('/calendars', { name: 'EU', holidays: [{ country: 'FR' }], holidaySelectors: { tiers: ['prod'] } })
    ).json();
    await rm.post(`/calendars/${cal.id}/windows`, {
      kind: 'allow',
      schedule: '0 9 * * *',
      durationMinutes: 60,
      timeZone: 'Europe/Paris',
      selectors: { environments: ['eu-prod'] },
    });
    await f.settle();
  });
  afterAll(async () => {
    await f?.close();
  });

  const allowed = async (environment: string, at: string) => {
    const res = await rm.get(`/windows/check?service=checkout&environment=${environment}&at=${at}`);
    expect(res.statusCode).toBe(200);
    return res.json().allowed as boolean;
  };

  it('keeps 09:00 Paris time across the spring DST change (29 March 2026)', async () => {
    // Saturday 28 March: 09:00 CET is 08:00 UTC. Monday 30 March: 09:00 CEST is 07:00 UTC.
    expect(await allowed('eu-prod', '2026-03-28T08:15:00Z')).toBe(true);
    expect(await allowed('eu-prod', '2026-03-28T07:15:00Z')).toBe(false);
    expect(await allowed('eu-prod', '2026-03-30T07:15:00Z')).toBe(true);
    expect(await allowed('eu-prod', '2026-03-30T08:15:00Z')).toBe(false);
  });

  it('blocks prod on a French public holiday, inside the allow window, and leaves dev alone', async () => {
    // 14 July 2026 (Fête nationale), 09:15 Paris = 07:15 UTC: inside the allow window, but a holiday for prod.
    const res = await rm.get('/windows/check?service=checkout&environment=eu-prod&at=2026-07-14T07:15:00Z');
    expect(res.json()).toMatchObject({
      allowed: false,
      verdict: 'denied',
      decidedBy: [{ source: 'holiday', purpose: 'holiday' }],
    });
    expect(await allowed('eu-dev', '2026-07-14T07:15:00Z')).toBe(true);
  });

  it('defaults the instant to the injected clock and says so', async () => {
    const res = await rm.get('/windows/check?service=checkout&environment=eu-dev');
    expect(res.json()).toMatchObject({ at: f.clock.now.toISOString(), allowed: true, verdict: 'no-windows' });
  });
});
