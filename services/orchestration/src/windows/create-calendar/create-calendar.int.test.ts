import { deploymentCalendarStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';

// POST /calendars (O3): a calendar with regional holiday rules date-holidays knows.
describe('POST /calendars', () => {
  let f: OrchestrationFixture;

  beforeAll(async () => {
    f = await startOrchestration('createCalendar');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('records the calendar with defaults filled in (public and bank holidays, every deployment)', async () => {
    const lead = await f.as('lead-lea', ['deployment-lead']);
    const res = await lead.post('/calendars', { name: 'Bavaria', holidays: [{ country: 'DE', state: 'BY' }] });
    expect(res.statusCode).toBe(201);
    const all = { services: [], environments: [], tiers: [], regions: [] };
    expect(await f.events(deploymentCalendarStream(res.json().id))).toEqual([
      {
        type: 'DeploymentCalendarCreated',
        data: {
          calendarId: res.json().id,
          name: 'Bavaria',
          holidays: [{ country: 'DE', state: 'BY', types: ['public', 'bank'] }],
          holidaySelectors: all,
          createdBy: 'lead-lea',
        },
      },
    ]);
    expect((await lead.get(`/calendars/${res.json().id}`)).json()).toMatchObject({ name: 'Bavaria', windows: [] });
  });

  const bad: [string, object, number, string][] = [
    [
      'an unknown state',
      { name: 'x', holidays: [{ country: 'DE', state: 'XX' }] },
      422,
      'ORCHESTRATION_HOLIDAY_REGION_UNKNOWN',
    ],
    ['a lowercase country', { name: 'x', holidays: [{ country: 'de' }] }, 400, 'RAILYARD_REQUEST_INVALID'],
    [
      'an unknown holiday type',
      { name: 'x', holidays: [{ country: 'DE', types: ['party'] }] },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    ['no name', { holidays: [] }, 400, 'RAILYARD_REQUEST_INVALID'],
  ];
  for (const [what, payload, status, code] of bad) {
    it(`refuses ${what} with ${status} ${code}, appending nothing`, async () => {
      const rm = await f.as('rm', ['release-manager']);
      const before = await f.head();
      const res = await rm.post('/calendars', payload);
      expect(res.statusCode).toBe(status);
      expect(res.json().code).toBe(code);
      expect(await f.head()).toBe(before);
    });
  }
});
