import type { HolidayRule, WindowSelectors } from '@railyard/contracts';
import type { Kysely } from 'kysely';
import type { WindowDefinition } from '../domain/calendar.decide.js';
import type { WindowInputsReader } from '../domain/window-check.js';
import type { WindowCalendarDb } from './projection.js';

/** checkWindows' inputs from the window-calendar projection: the windows in force and the overrides around `at`. */
export function windowInputsReader(db: Kysely<WindowCalendarDb>): WindowInputsReader {
  return async (at, service, environment) => {
    const [calendars, windows, overrides] = await Promise.all([
      db.selectFrom('orchestration.calendars').selectAll().orderBy('created_at').execute(),
      db
        .selectFrom('orchestration.deployment_windows')
        .selectAll()
        .where('removed_at', 'is', null)
        .orderBy('added_at')
        .execute(),
      db
        .selectFrom('orchestration.window_overrides')
        .selectAll()
        .where('service', '=', service)
        .where('environment', '=', environment)
        .where('from_at', '<=', at)
        .where('until_at', '>', at)
        .orderBy('granted_at')
        .execute(),
    ]);
    return {
      calendars: calendars.map((c) => ({
        calendarId: c.calendar_id,
        calendarName: c.name,
        holidays: c.holidays as HolidayRule[],
        holidaySelectors: c.holiday_selectors as WindowSelectors,
        windows: windows
          .filter((w) => w.calendar_id === c.calendar_id)
          .map(
            (w): WindowDefinition => ({
              windowId: w.window_id,
              kind: w.kind as WindowDefinition['kind'],
              purpose: w.purpose as WindowDefinition['purpose'],
              schedule: w.schedule,
              durationMinutes: w.duration_minutes,
              timeZone: w.time_zone,
              selectors: w.selectors as WindowSelectors,
              reason: w.reason,
            }),
          ),
      })),
      overrides: overrides.map((o) => ({
        overrideId: o.override_id,
        service: o.service,
        environment: o.environment,
        from: o.from_at.toISOString(),
        until: o.until_at.toISOString(),
        reason: o.reason,
        grantedBy: o.granted_by,
      })),
    };
  };
}
