import { describe, expect, it } from 'vitest';
import type { WindowDefinition } from './calendar.decide.js';
import { activeOccurrence } from './schedule.js';
import { type CalendarWindows, checkWindows, type WindowTarget } from './window-check.js';

const all = { services: [], environments: [], tiers: [], regions: [] };
const target: WindowTarget = { service: 'checkout', environment: 'prod-eu', tier: 'prod', region: 'eu' };
let n = 0;
const w = (over: Partial<WindowDefinition>): WindowDefinition => ({
  windowId: `0193a000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
  kind: 'allow',
  purpose: 'window',
  schedule: '0 9 * * 1-5',
  durationMinutes: 480,
  timeZone: 'Europe/Berlin',
  selectors: all,
  reason: null,
  ...over,
});
const cal = (windows: WindowDefinition[], holidays: CalendarWindows['holidays'] = []): CalendarWindows => ({
  calendarId: 'cal-1',
  calendarName: 'prod calendar',
  windows,
  holidays,
  holidaySelectors: all,
});
const check = (
  at: string,
  calendars: CalendarWindows[],
  overrides = [] as Parameters<typeof checkWindows>[0]['overrides'],
) => checkWindows({ at: new Date(at), target, calendars, overrides });

describe('checkWindows (Argo CD sync-window rules)', () => {
  it('allows when no window applies', () => {
    expect(check('2026-12-01T10:00:00Z', [])).toMatchObject({ allowed: true, verdict: 'no-windows', decidedBy: [] });
    const otherService = w({
      kind: 'deny',
      schedule: '* * * * *',
      durationMinutes: 60,
      selectors: { ...all, services: ['search'] },
    });
    expect(check('2026-12-01T10:00:00Z', [cal([otherService])]).verdict).toBe('no-windows');
  });
  it('allows only inside an allow window when allow windows apply', () => {
    const office = w({});
    // Tuesday 11:00 Berlin (10:00 UTC) is inside 09:00–17:00; 18:00 UTC (19:00 Berlin) is not.
    expect(check('2026-12-01T10:00:00Z', [cal([office])])).toMatchObject({
      allowed: true,
      verdict: 'inside-allow',
      decidedBy: [
        { windowId: office.windowId, activeFrom: '2026-12-01T08:00:00.000Z', activeUntil: '2026-12-01T16:00:00.000Z' },
      ],
    });
    expect(check('2026-12-01T18:00:00Z', [cal([office])])).toMatchObject({
      allowed: false,
      verdict: 'outside-allow',
      decidedBy: [{ windowId: office.windowId, nextStart: '2026-12-02T08:00:00.000Z' }],
    });
  });
  it('lets deny beat allow, and lists every deny that decided it', () => {
    const office = w({});
    const freeze = w({
      kind: 'deny',
      purpose: 'business-critical',
      schedule: '0 0 1 12 *',
      durationMinutes: 7 * 1440,
      reason: 'Black week',
    });
    const peak = w({
      kind: 'deny',
      purpose: 'peak-hours',
      schedule: '0 10 * * *',
      durationMinutes: 120,
      selectors: { ...all, regions: ['eu'] },
    });
    const r = check('2026-12-01T09:30:00Z', [cal([office, freeze, peak])]);
    expect(r.allowed).toBe(false);
    expect(r.verdict).toBe('denied');
    expect(r.decidedBy.map((d) => [d.purpose, d.reason])).toEqual([
      ['business-critical', 'Black week'],
      ['peak-hours', null],
    ]);
  });
  it('applies peak hours per region only', () => {
    const peak = w({
      kind: 'deny',
      purpose: 'peak-hours',
      schedule: '0 18 * * *',
      durationMinutes: 180,
      selectors: { ...all, regions: ['us'] },
    });
    expect(check('2026-12-01T18:30:00Z', [cal([peak])]).allowed).toBe(true);
    // 18:00–21:00 New York (UTC−5 in December) is 23:00–02:00 UTC.
    const us = (at: string) =>
      checkWindows({
        at: new Date(at),
        target: { ...target, region: 'us' },
        calendars: [cal([{ ...peak, timeZone: 'America/New_York' }])],
        overrides: [],
      }).allowed;
    expect(us('2026-12-01T23:30:00Z')).toBe(false);
    expect(us('2026-12-02T01:59:00Z')).toBe(false);
    expect(us('2026-12-02T02:30:00Z')).toBe(true);
  });
  it('keeps a window at its local time across the DST change (Europe/Berlin, 29 March 2026)', () => {
    const nineToTen = w({ schedule: '0 9 * * *', durationMinutes: 60 });
    // Before the change 09:00 CET is 08:00 UTC; after it 09:00 CEST is 07:00 UTC.
    expect(check('2026-03-28T08:30:00Z', [cal([nineToTen])]).allowed).toBe(true);
    expect(check('2026-03-28T07:30:00Z', [cal([nineToTen])]).allowed).toBe(false);
    expect(check('2026-03-30T07:30:00Z', [cal([nineToTen])]).allowed).toBe(true);
    expect(check('2026-03-30T08:30:00Z', [cal([nineToTen])]).allowed).toBe(false);
    // And back in autumn (25 October 2026): 09:00 CET is 08:00 UTC again.
    expect(check('2026-10-26T08:30:00Z', [cal([nineToTen])]).allowed).toBe(true);
  });
  it('denies on a regional public holiday (date-holidays, DE: 25 December)', () => {
    const r = check('2026-12-25T10:00:00Z', [cal([], [{ country: 'DE', state: null, types: ['public', 'bank'] }])]);
    expect(r.allowed).toBe(false);
    expect(r.decidedBy).toEqual([
      expect.objectContaining({
        source: 'holiday',
        kind: 'deny',
        purpose: 'holiday',
        reason: '1. Weihnachtstag (DE, public holiday)',
      }),
    ]);
    expect(check('2026-12-23T10:00:00Z', [cal([], [{ country: 'DE', state: null, types: ['public'] }])]).allowed).toBe(
      true,
    );
    // A state holiday: Epiphany (6 January) in Bavaria, not in Berlin.
    expect(check('2027-01-06T10:00:00Z', [cal([], [{ country: 'DE', state: 'BY', types: ['public'] }])]).allowed).toBe(
      false,
    );
    expect(check('2027-01-06T10:00:00Z', [cal([], [{ country: 'DE', state: 'BE', types: ['public'] }])]).allowed).toBe(
      true,
    );
  });
  it('lets an emergency override through a block, keeping what it overrode', () => {
    const grant = {
      overrideId: 'o1',
      service: 'checkout',
      environment: 'prod-eu',
      from: '2026-12-25T09:00:00.000Z',
      until: '2026-12-25T12:00:00.000Z',
      reason: 'payment outage hotfix',
      grantedBy: 'lead-lea',
    };
    const holidays = [cal([], [{ country: 'DE', state: null, types: ['public'] }])];
    const r = check('2026-12-25T10:00:00Z', holidays, [grant]);
    expect(r).toMatchObject({ allowed: true, verdict: 'overridden', override: grant });
    expect(r.decidedBy).toHaveLength(1);
    expect(check('2026-12-25T12:00:00Z', holidays, [grant]).allowed).toBe(false);
    expect(check('2026-12-25T10:00:00Z', holidays, [{ ...grant, environment: 'prod-us' }]).allowed).toBe(false);
  });
});

describe('activeOccurrence', () => {
  it('finds an occurrence that started the day before when the duration spans midnight', () => {
    expect(activeOccurrence('0 22 * * *', 'UTC', 240, new Date('2026-12-02T01:00:00Z'))).toEqual({
      start: new Date('2026-12-01T22:00:00Z'),
      end: new Date('2026-12-02T02:00:00Z'),
    });
    expect(activeOccurrence('0 22 * * *', 'UTC', 240, new Date('2026-12-02T02:00:00Z'))).toBeUndefined();
    expect(activeOccurrence('0 22 * * *', 'UTC', 240, new Date('2026-12-01T22:00:00Z'))?.start).toEqual(
      new Date('2026-12-01T22:00:00Z'),
    );
  });
});
