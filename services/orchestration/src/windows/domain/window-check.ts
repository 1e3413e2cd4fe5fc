import type { EnvironmentTier, HolidayRule, WindowSelectors } from '@railyard/contracts';
import type { WindowDefinition } from './calendar.decide.js';
import { holidaysAt } from './holidays.js';
import type { OverrideGrant } from './override.decide.js';
import { activeOccurrence, nextStart } from './schedule.js';

/** What is being deployed where: the selectors match on these. */
export interface WindowTarget {
  service: string;
  environment: string;
  tier: EnvironmentTier;
  region: string;
}

export interface CalendarWindows {
  calendarId: string;
  calendarName: string;
  windows: readonly WindowDefinition[];
  holidays: readonly HolidayRule[];
  holidaySelectors: WindowSelectors;
}

/**
 * The port through which a caller gathers checkWindows' inputs for an instant (the service implements it over its
 * read model): the calendars in force and the overrides of this service and environment around `at`.
 */
export type WindowInputsReader = (
  at: Date,
  service: string,
  environment: string,
) => Promise<{ calendars: CalendarWindows[]; overrides: OverrideGrant[] }>;

/** One window (or holiday) that decided the answer. */
export interface DecidingWindow {
  source: 'window' | 'holiday';
  calendarId: string;
  calendarName: string;
  windowId: string | null;
  kind: 'allow' | 'deny';
  purpose: 'window' | 'business-critical' | 'peak-hours' | 'holiday';
  reason: string | null;
  /** The occurrence covering the instant, or for an allow window we were outside of, its next start. */
  activeFrom: string | null;
  activeUntil: string | null;
  nextStart: string | null;
}

export interface WindowVerdict {
  allowed: boolean;
  /** no-windows: nothing applies; inside-allow; outside-allow; denied; overridden: blocked, but an override let it through. */
  verdict: 'no-windows' | 'inside-allow' | 'outside-allow' | 'denied' | 'overridden';
  decidedBy: DecidingWindow[];
  override: OverrideGrant | null;
}

/** An empty selector list matches everything, as in Argo CD; otherwise the target's value must be listed. */
export function selectorsMatch(s: WindowSelectors, t: WindowTarget): boolean {
  const ok = (list: readonly string[], value: string) => list.length === 0 || list.includes(value);
  return (
    ok(s.services, t.service) && ok(s.environments, t.environment) && ok(s.tiers, t.tier) && ok(s.regions, t.region)
  );
}

/**
 * O3, Argo CD's sync-window rules, pure so the windows endpoint now and part 2's deployments run the same code:
 * an active deny (a deny window, a business-critical period, peak hours or a holiday) blocks, and deny beats
 * allow; when allow windows apply, deploying is possible only inside one; no applicable window → allowed. An
 * emergency override covering the instant lets a blocked deployment through, and the answer keeps what it overrode.
 */
export function checkWindows(input: {
  at: Date;
  target: WindowTarget;
  calendars: readonly CalendarWindows[];
  overrides: readonly OverrideGrant[];
}): WindowVerdict {
  const { at, target } = input;
  const denies: DecidingWindow[] = [];
  const activeAllows: DecidingWindow[] = [];
  const idleAllows: DecidingWindow[] = [];
  for (const cal of input.calendars) {
    const base = { calendarId: cal.calendarId, calendarName: cal.calendarName };
    for (const w of cal.windows) {
      if (!selectorsMatch(w.selectors, target)) continue;
      const occurrence = activeOccurrence(w.schedule, w.timeZone, w.durationMinutes, at);
      const entry: DecidingWindow = {
        ...base,
        source: 'window',
        windowId: w.windowId,
        kind: w.kind,
        purpose: w.purpose,
        reason: w.reason,
        activeFrom: occurrence?.start.toISOString() ?? null,
        activeUntil: occurrence?.end.toISOString() ?? null,
        nextStart: occurrence ? null : nextStart(w.schedule, w.timeZone, at).toISOString(),
      };
      if (w.kind === 'deny') {
        if (occurrence) denies.push(entry);
      } else (occurrence ? activeAllows : idleAllows).push(entry);
    }
    if (cal.holidays.length > 0 && selectorsMatch(cal.holidaySelectors, target)) {
      for (const rule of cal.holidays) {
        for (const h of holidaysAt(rule, at)) {
          denies.push({
            ...base,
            source: 'holiday',
            windowId: null,
            kind: 'deny',
            purpose: 'holiday',
            reason: `${h.name} (${rule.country}${rule.state ? `-${rule.state}` : ''}, ${h.type} holiday)`,
            activeFrom: h.start,
            activeUntil: h.end,
            nextStart: null,
          });
        }
      }
    }
  }
  let verdict: WindowVerdict;
  if (denies.length > 0) verdict = { allowed: false, verdict: 'denied', decidedBy: denies, override: null };
  else if (activeAllows.length > 0) {
    verdict = { allowed: true, verdict: 'inside-allow', decidedBy: activeAllows, override: null };
  } else if (idleAllows.length > 0) {
    verdict = { allowed: false, verdict: 'outside-allow', decidedBy: idleAllows, override: null };
  } else verdict = { allowed: true, verdict: 'no-windows', decidedBy: [], override: null };
  if (verdict.allowed) return verdict;
  const t = at.getTime();
  const override = input.overrides.find(
    (o) =>
      o.service === target.service &&
      o.environment === target.environment &&
      new Date(o.from).getTime() <= t &&
      t < new Date(o.until).getTime(),
  );
  return override ? { ...verdict, allowed: true, verdict: 'overridden', override } : verdict;
}
