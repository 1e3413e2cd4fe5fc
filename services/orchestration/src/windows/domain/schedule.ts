import { invalid, OrchestrationErrorCodes } from '@railyard/contracts';
import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';

// Cron parsing and evaluation come from `cron-parser` (v5, maintained, time-zone aware through luxon, and it has
// prev()): a window's local start time must survive DST changes, which is exactly what a home-made engine gets wrong.

/** Whether a name is an IANA time zone the runtime knows (luxon asks Intl). */
export const isKnownTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);

/** Refuses an unknown IANA zone (422 ORCHESTRATION_TIME_ZONE_UNKNOWN). */
export function assertTimeZone(zone: string): void {
  if (!isKnownTimeZone(zone)) {
    throw invalid(OrchestrationErrorCodes.TIME_ZONE_UNKNOWN, `${JSON.stringify(zone)} is not an IANA time zone.`, {
      timeZone: zone,
    });
  }
}

/** Refuses a cron expression that does not parse (422 ORCHESTRATION_CRON_INVALID); the zone must be valid first. */
export function assertCron(expression: string, timeZone: string): void {
  try {
    // Five or six fields; cron-parser accepts both. One next() proves the expression can actually fire.
    CronExpressionParser.parse(expression, { tz: timeZone, currentDate: new Date(0) }).next();
  } catch (error) {
    throw invalid(
      OrchestrationErrorCodes.CRON_INVALID,
      `The cron expression ${JSON.stringify(expression)} does not parse: ${(error as Error).message}`,
      { cron: expression },
    );
  }
}

/** The first start of the schedule strictly after `after`, in the zone's local time. */
export function nextStart(expression: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(expression, { tz: timeZone, currentDate: after }).next().toDate();
}

/** The last start of the schedule at or before `at` (undefined if it never fired before). */
export function lastStartAtOrBefore(expression: string, timeZone: string, at: Date): Date | undefined {
  try {
    // prev() is strictly before its current date: one millisecond later makes a start exactly at `at` count.
    return CronExpressionParser.parse(expression, { tz: timeZone, currentDate: new Date(at.getTime() + 1) })
      .prev()
      .toDate();
  } catch {
    return undefined;
  }
}

/**
 * The occurrence of a window that covers `at`, if any: Argo CD's rule, a window is active when the first start
 * after (at − duration) is not after `at`. That also finds a start on a previous day when the duration spans
 * midnight, and it needs no scan over past occurrences.
 */
export function activeOccurrence(
  expression: string,
  timeZone: string,
  durationMinutes: number,
  at: Date,
): { start: Date; end: Date } | undefined {
  const start = nextStart(expression, timeZone, new Date(at.getTime() - durationMinutes * 60_000));
  if (start.getTime() > at.getTime()) return undefined;
  return { start, end: new Date(start.getTime() + durationMinutes * 60_000) };
}
