import { type HolidayRule, invalid, OrchestrationErrorCodes } from '@railyard/contracts';
import Holidays from 'date-holidays';

// Regional public holidays come from `date-holidays` (maintained; data ISC AND CC-BY-3.0, attribution in
// docs/orchestration.md): holiday rules (Easter offsets, substitute days, regional variants) are a data set, not
// something to re-derive here. One instance per country/state, built on first use: it only holds parsed rules.
const cache = new Map<string, Holidays>();

function holidaysOf(country: string, state: string | null): Holidays {
  const key = `${country}/${state ?? ''}`;
  let hd = cache.get(key);
  if (!hd) {
    hd = state ? new Holidays(country, state) : new Holidays(country);
    cache.set(key, hd);
  }
  return hd;
}

/** Refuses a country or state that date-holidays does not know (422 ORCHESTRATION_HOLIDAY_REGION_UNKNOWN). */
export function assertHolidayRegion(rule: Pick<HolidayRule, 'country' | 'state'>): void {
  const probe = new Holidays();
  const countries = probe.getCountries() ?? {};
  const known = rule.country in countries && (!rule.state || rule.state in (probe.getStates(rule.country) ?? {}));
  if (!known) {
    throw invalid(
      OrchestrationErrorCodes.HOLIDAY_REGION_UNKNOWN,
      `No holiday data for ${rule.country}${rule.state ? `-${rule.state}` : ''}.`,
      { country: rule.country, state: rule.state },
    );
  }
}

export interface HolidayHit {
  name: string;
  type: string;
  /** The holiday's local day, as date-holidays gives it (YYYY-MM-DD …). */
  date: string;
  start: string;
  end: string;
}

/** The holidays of the rule's types that cover `at` (each spans its local day in the country's own time zone). */
export function holidaysAt(rule: HolidayRule, at: Date): HolidayHit[] {
  const hits = holidaysOf(rule.country, rule.state).isHoliday(at) || [];
  return hits
    .filter((h) => (rule.types as string[]).includes(h.type))
    .map((h) => ({ name: h.name, type: h.type, date: h.date, start: h.start.toISOString(), end: h.end.toISOString() }));
}
