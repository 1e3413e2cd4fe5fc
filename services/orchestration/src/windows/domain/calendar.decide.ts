import {
  OrchestrationErrorCodes as Codes,
  type DeploymentCalendarEvent,
  type HolidayRule,
  invalid,
  notFound,
  type WindowSelectors,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { assertHolidayRegion } from './holidays.js';
import { assertCron, assertTimeZone } from './schedule.js';

export interface WindowDefinition {
  windowId: string;
  kind: 'allow' | 'deny';
  purpose: 'window' | 'business-critical' | 'peak-hours';
  schedule: string;
  durationMinutes: number;
  timeZone: string;
  selectors: WindowSelectors;
  reason: string | null;
}

export type CalendarState =
  | { exists: false }
  | {
      exists: true;
      calendarId: string;
      name: string;
      holidays: HolidayRule[];
      holidaySelectors: WindowSelectors;
      windows: WindowDefinition[];
    };

export type CalendarCommand =
  | {
      type: 'CreateCalendar';
      calendarId: string;
      name: string;
      holidays: HolidayRule[];
      holidaySelectors: WindowSelectors;
      actor: string;
    }
  | ({ type: 'AddWindow'; actor: string } & WindowDefinition)
  | { type: 'RemoveWindow'; windowId: string; actor: string };

export const calendarDecider: Decider<CalendarCommand, DeploymentCalendarEvent, CalendarState> = {
  initialState: { exists: false },
  evolve(s, e) {
    switch (e.type) {
      case 'DeploymentCalendarCreated': {
        const { calendarId, name, holidays, holidaySelectors } = e.data;
        return { exists: true, calendarId, name, holidays, holidaySelectors, windows: [] };
      }
      case 'DeploymentWindowAdded': {
        if (!s.exists) return s;
        const { calendarId: _c, addedBy: _a, ...w } = e.data;
        return { ...s, windows: [...s.windows, w] };
      }
      case 'DeploymentWindowRemoved':
        return s.exists ? { ...s, windows: s.windows.filter((w) => w.windowId !== e.data.windowId) } : s;
      default:
        return s;
    }
  },
  decide(c, s) {
    if (c.type === 'CreateCalendar') {
      if (s.exists) return []; // the same create again (idempotent id): nothing new
      for (const rule of c.holidays) assertHolidayRegion(rule);
      const { calendarId, name, holidays, holidaySelectors, actor } = c;
      return [
        { type: 'DeploymentCalendarCreated', data: { calendarId, name, holidays, holidaySelectors, createdBy: actor } },
      ];
    }
    if (!s.exists) throw notFound(Codes.CALENDAR_NOT_FOUND, 'No deployment calendar with this id.');
    if (c.type === 'AddWindow') {
      assertTimeZone(c.timeZone);
      assertCron(c.schedule, c.timeZone);
      // A business-critical period is a freeze someone will ask about: it must say why.
      if (c.purpose === 'business-critical' && !c.reason) {
        throw invalid(Codes.WINDOW_REASON_REQUIRED, 'A business-critical period needs a reason.');
      }
      if (c.purpose !== 'window' && c.kind !== 'deny') {
        throw invalid(Codes.WINDOW_REASON_REQUIRED, `A ${c.purpose} window is a deny window.`);
      }
      const { type: _t, actor, ...w } = c;
      return [{ type: 'DeploymentWindowAdded', data: { calendarId: s.calendarId, ...w, addedBy: actor } }];
    }
    if (!s.windows.some((w) => w.windowId === c.windowId)) {
      throw notFound(Codes.WINDOW_NOT_FOUND, 'No window with this id in this calendar.');
    }
    return [
      { type: 'DeploymentWindowRemoved', data: { calendarId: s.calendarId, windowId: c.windowId, removedBy: c.actor } },
    ];
  },
};
