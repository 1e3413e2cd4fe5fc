import { deploymentCalendarStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';

// DELETE /calendars/:id/windows/:windowId (O3): the window stops applying; the record of it stays.
describe('DELETE /calendars/:id/windows/:windowId', () => {
  let f: OrchestrationFixture;

  beforeAll(async () => {
    f = await startOrchestration('removeWindow');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('records DeploymentWindowRemoved and the analyst view keeps the window as no longer in force', async () => {
    const rm = await f.as('rm-ana', ['release-manager']);
    const cal = (await rm.post('/calendars', { name: 'c' })).json();
    const added = await rm.post(`/calendars/${cal.id}/windows`, {
      kind: 'deny',
      schedule: '0 0 * * 0',
      durationMinutes: 1440,
      timeZone: 'UTC',
      reason: 'Sundays',
    });
    const windowId = added.json().windows[0].windowId;
    const res = await rm.del(`/calendars/${cal.id}/windows/${windowId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().windows).toEqual([]);
    expect((await f.events(deploymentCalendarStream(cal.id))).at(-1)).toEqual({
      type: 'DeploymentWindowRemoved',
      data: { calendarId: cal.id, windowId, removedBy: 'rm-ana' },
    });
    await f.settle();
    const { rows } = await f.pool.query('SELECT window_id, in_force FROM reporting.deployment_windows');
    expect(rows).toEqual([{ window_id: windowId, in_force: false }]);
  });

  it('refuses a developer (403) and an unknown calendar (404), appending nothing', async () => {
    const before = await f.head();
    const dev = await f.as('dev', ['developer']);
    const id = '0193a000-0000-7000-8000-000000000001';
    expect((await dev.del(`/calendars/${id}/windows/${id}`)).statusCode).toBe(403);
    const rm = await f.as('rm', ['release-manager']);
    const missing = await rm.del(`/calendars/${id}/windows/${id}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('ORCHESTRATION_CALENDAR_NOT_FOUND');
    expect(await f.head()).toBe(before);
  });
});
