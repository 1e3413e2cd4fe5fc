import Holidays from 'date-holidays';
import { localDays } from './rotation-schedule.js';

// Public holidays come from `date-holidays` (maintained; the library orchestration's deployment windows use), a
// data set of regional rules rather than something to derive here. Weighing: a weekday hour counts 1, an hour on a
// Saturday, Sunday or public holiday (local day in the rotation's zone) counts 2; a turn's weight is its weighted
// hours over 24, so a plain weekday turn of one day weighs 1.
export const WEEKEND_OR_HOLIDAY_WEIGHT = 2;

const cache = new Map<string, Set<string>>();
function publicHolidays(country: string, region: string | undefined, year: number): Set<string> {
  const key = `${country}/${region ?? ''}/${year}`;
  let days = cache.get(key);
  if (!days) {
    const hd = region ? new Holidays(country, region) : new Holidays(country);
    days = new Set((hd.getHolidays(year) || []).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    cache.set(key, days);
  }
  return days;
}

/** Whether date-holidays knows the country (and region). */
export function knownHolidayRegion(country: string, region?: string): boolean {
  const probe = new Holidays();
  const countries = probe.getCountries() ?? {};
  return country in countries && (!region || region in (probe.getStates(country) ?? {}));
}

/** The weight of being on call over [from, to) in the zone, and how many of its local days were weekend/holiday. */
export function weightOf(
  from: Date,
  to: Date,
  zone: string,
  holidays: { country: string; region?: string } | null,
): { weight: number; weekendOrHolidayDays: string[] } {
  let weighted = 0;
  const special: string[] = [];
  for (const day of localDays(from, to, zone)) {
    const year = Number(day.date.slice(0, 4));
    const isSpecial =
      day.weekday >= 6 || (holidays !== null && publicHolidays(holidays.country, holidays.region, year).has(day.date));
    if (isSpecial) special.push(day.date);
    weighted += day.hours * (isSpecial ? WEEKEND_OR_HOLIDAY_WEIGHT : 1);
  }
  return { weight: Math.round((weighted / 24) * 100) / 100, weekendOrHolidayDays: special };
}
