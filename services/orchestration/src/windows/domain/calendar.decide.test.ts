import type { DeploymentCalendarEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { type CalendarCommand, calendarDecider } from './calendar.decide.js';
import { overrideDecider } from './override.decide.js';

const all = { services: [], environments: [], tiers: [], regions: [] };
const calendarId = '0193a000-0000-7000-8000-000000000001';
const windowId = '0193a000-0000-7000-8000-000000000002';
const created: DeploymentCalendarEvent = {
  type: 'DeploymentCalendarCreated',
  data: {
    calendarId,
    name: 'EU prod',
    holidays: [{ country: 'DE', state: null, types: ['public'] }],
    holidaySelectors: all,
    createdBy: 'rm',
  },
};
const add: CalendarCommand = {
  type: 'AddWindow',
  windowId,
  kind: 'deny',
  purpose: 'business-critical',
  schedule: '0 0 24 11 *',
  durationMinutes: 10080,
  timeZone: 'Europe/Berlin',
  selectors: all,
  reason: 'Black week',
  actor: 'rm',
};

describe('deployment calendar decider', () => {
  it('creates a calendar with holiday rules date-holidays knows, and refuses unknown regions', () => {
    spec(calendarDecider)
      .when({
        type: 'CreateCalendar',
        calendarId,
        name: 'EU prod',
        holidays: created.data.holidays,
        holidaySelectors: all,
        actor: 'rm',
      })
      .then([created]);
    spec(calendarDecider)
      .when({
        type: 'CreateCalendar',
        calendarId,
        name: 'x',
        holidays: [{ country: 'XX', state: null, types: ['public'] }],
        holidaySelectors: all,
        actor: 'rm',
      })
      .thenThrows('ORCHESTRATION_HOLIDAY_REGION_UNKNOWN');
    spec(calendarDecider)
      .when({
        type: 'CreateCalendar',
        calendarId,
        name: 'x',
        holidays: [{ country: 'DE', state: 'ZZ', types: ['public'] }],
        holidaySelectors: all,
        actor: 'rm',
      })
      .thenThrows('ORCHESTRATION_HOLIDAY_REGION_UNKNOWN');
  });
  it('adds a window, validating zone, cron and reason', () => {
    const { type: _t, actor: _a, ...w } = add as Extract<CalendarCommand, { type: 'AddWindow' }>;
    spec(calendarDecider)
      .given([created])
      .when(add)
      .then([{ type: 'DeploymentWindowAdded', data: { calendarId, ...w, addedBy: 'rm' } }]);
    spec(calendarDecider)
      .given([created])
      .when({ ...add, timeZone: 'Nowhere/Else' })
      .thenThrows('ORCHESTRATION_TIME_ZONE_UNKNOWN');
    spec(calendarDecider)
      .given([created])
      .when({ ...add, schedule: '0 0 32 * *' })
      .thenThrows('ORCHESTRATION_CRON_INVALID');
    spec(calendarDecider)
      .given([created])
      .when({ ...add, reason: null })
      .thenThrows('ORCHESTRATION_WINDOW_REASON_REQUIRED');
    spec(calendarDecider).when(add).thenThrows('ORCHESTRATION_CALENDAR_NOT_FOUND');
  });
  it('removes a window it has, and 404s one it has not', () => {
    const { type: _t, actor: _a, ...w } = add as Extract<CalendarCommand, { type: 'AddWindow' }>;
    const added: DeploymentCalendarEvent = { type: 'DeploymentWindowAdded', data: { calendarId, ...w, addedBy: 'rm' } };
    spec(calendarDecider)
      .given([created, added])
      .when({ type: 'RemoveWindow', windowId, actor: 'rm' })
      .then([{ type: 'DeploymentWindowRemoved', data: { calendarId, windowId, removedBy: 'rm' } }]);
    spec(calendarDecider)
      .given([created])
      .when({ type: 'RemoveWindow', windowId, actor: 'rm' })
      .thenThrows('ORCHESTRATION_WINDOW_NOT_FOUND');
  });
});

describe('emergency override decider', () => {
  const grant = {
    type: 'GrantEmergencyOverride' as const,
    overrideId: calendarId,
    service: 'checkout',
    environment: 'prod-eu',
    from: new Date('2026-12-25T09:00:00Z'),
    until: new Date('2026-12-25T12:00:00Z'),
    reason: '  hotfix for payment outage ',
    actor: { id: 'lead-lea', roles: ['deployment-lead'] },
  };
  it('records the override with its reason and the role that vouched for it', () => {
    spec(overrideDecider)
      .when(grant)
      .then([
        {
          type: 'EmergencyOverrideGranted',
          data: {
            overrideId: calendarId,
            service: 'checkout',
            environment: 'prod-eu',
            from: '2026-12-25T09:00:00.000Z',
            until: '2026-12-25T12:00:00.000Z',
            reason: 'hotfix for payment outage',
            grantedBy: 'lead-lea',
            grantedWithRole: 'deployment-lead',
          },
        },
      ]);
  });
  it('refuses an override that does not end after it starts', () => {
    spec(overrideDecider)
      .when({ ...grant, until: grant.from })
      .thenThrows('ORCHESTRATION_OVERRIDE_RANGE_INVALID');
  });
});
