import { HolidayRule, WindowSelectors } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import type { CalendarState } from './domain/calendar.decide.js';

export const CalendarParams = z.strictObject({ id: z.uuid() });
export const WindowView = schemaComponent(
  'Window',
  z.object({
    windowId: z.uuid(),
    kind: z.enum(['allow', 'deny']),
    purpose: z.enum(['window', 'business-critical', 'peak-hours']),
    schedule: z.string(),
    durationMinutes: z.number().int(),
    timeZone: z.string(),
    selectors: WindowSelectors,
    reason: z.string().nullable(),
  }),
);
export const CalendarView = schemaComponent(
  'WindowCalendar',
  z.object({
    id: z.uuid(),
    name: z.string(),
    holidays: z.array(HolidayRule),
    holidaySelectors: WindowSelectors,
    windows: z.array(WindowView),
    revision: z.number().int(),
  }),
);

export function calendarView(
  c: Extract<CalendarState, { exists: true }>,
  revision: bigint,
): z.infer<typeof CalendarView> {
  return {
    id: c.calendarId,
    name: c.name,
    holidays: c.holidays,
    holidaySelectors: c.holidaySelectors,
    windows: c.windows,
    revision: Number(revision),
  };
}

/** Selectors in a request: each list optional, an omitted list matches everything. */
export const SelectorsBody = z
  .strictObject({
    services: WindowSelectors.shape.services.default([]),
    environments: WindowSelectors.shape.environments.default([]),
    tiers: WindowSelectors.shape.tiers.default([]),
    regions: WindowSelectors.shape.regions.default([]),
  })
  .default({ services: [], environments: [], tiers: [], regions: [] });
