import { DateTime, IANAZone } from 'luxon';

// Luxon (maintained, already used by planning and orchestration for train slots and deployment windows) does the
// zone arithmetic: adding calendar days keeps the wall-clock time across DST changes, which plain ms arithmetic
// cannot. The zone database is the runtime's Intl one.

export interface RotationDefinition {
  members: readonly string[];
  turn: { days: number } | { hours: number };
  handoff: { time: string; timeZone: string };
  startsAt: string;
  endsAt: string | null;
}

export interface Override {
  overrideId: string;
  principal: string;
  from: string;
  to: string;
}

/** Whether the runtime's Intl knows this IANA zone. */
export const isKnownZone = (zone: string) => IANAZone.isValidZone(zone);

/**
 * The handoff grid: G_j = anchor + j turns, where the anchor is the handoff time on the local day of startsAt, or on
 * the day before when that is later than startsAt (so G_0 ≤ startsAt and the first turn is never longer than one).
 * Day turns add calendar days in the zone (wall-clock handoffs across DST); hour turns add elapsed hours.
 */
function grid(def: RotationDefinition) {
  const [hour, minute] = def.handoff.time.split(':').map(Number) as [number, number];
  const start = DateTime.fromISO(def.startsAt, { zone: def.handoff.timeZone });
  let anchor = start.set({ hour, minute, second: 0, millisecond: 0 });
  if (anchor > start) anchor = anchor.minus({ days: 1 });
  const at = (j: number) =>
    'days' in def.turn ? anchor.plus({ days: j * def.turn.days }) : anchor.plus({ hours: j * def.turn.hours });
  const approxMs = 'days' in def.turn ? def.turn.days * 86_400_000 : def.turn.hours * 3_600_000;
  return { anchor, at, approxMs };
}

export interface Turn {
  index: number;
  /** The member whose turn it is by order (before eligibility). */
  nominal: string;
  startsAt: Date;
  endsAt: Date;
}

/** The turn covering `t`, or null outside the rotation's span. */
export function turnAt(def: RotationDefinition, t: Date): Turn | null {
  const startsAt = new Date(def.startsAt);
  const endsAt = def.endsAt ? new Date(def.endsAt) : null;
  if (t < startsAt || (endsAt && t >= endsAt)) return null;
  const g = grid(def);
  // An estimate in elapsed time, corrected by the zone-aware grid (DST moves a boundary by an hour at most).
  let j = Math.max(0, Math.floor((t.getTime() - g.anchor.toMillis()) / g.approxMs));
  while (g.at(j + 1).toMillis() <= t.getTime()) j++;
  while (j > 0 && g.at(j).toMillis() > t.getTime()) j--;
  const start = j === 0 ? startsAt : g.at(j).toJSDate();
  let end = g.at(j + 1).toJSDate();
  if (endsAt && end > endsAt) end = endsAt;
  return { index: j, nominal: def.members[j % def.members.length] as string, startsAt: start, endsAt: end };
}

/** The turns overlapping [from, to), in order. */
export function turnsBetween(def: RotationDefinition, from: Date, to: Date): Turn[] {
  const turns: Turn[] = [];
  let t = from < new Date(def.startsAt) ? new Date(def.startsAt) : from;
  while (t < to) {
    const turn = turnAt(def, t);
    if (!turn) break;
    turns.push(turn);
    t = turn.endsAt;
  }
  return turns;
}

/**
 * Who leads the turn: the nominal member if eligible, else the next eligible one in order; the members passed over
 * are the skips. Null when nobody is eligible.
 */
export function leadOf(
  def: RotationDefinition,
  turn: Turn,
  eligible: ReadonlySet<string>,
): { principal: string; skipped: string[] } | null {
  const n = def.members.length;
  const skipped: string[] = [];
  for (let i = 0; i < n; i++) {
    const member = def.members[(turn.index + i) % n] as string;
    if (eligible.has(member)) return { principal: member, skipped };
    if (!skipped.includes(member)) skipped.push(member);
  }
  return null;
}

/** The override covering `t` (the latest added wins), if any. */
export function overrideAt(overrides: readonly Override[], t: Date): Override | null {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i] as Override;
    if (new Date(o.from) <= t && t < new Date(o.to)) return o;
  }
  return null;
}

/**
 * The stretch of on-call around `t` that one RotationTurnStarted announces: an override's span, or the part of the
 * turn between the overrides that cut it.
 */
export function segmentAt(
  def: RotationDefinition,
  overrides: readonly Override[],
  t: Date,
): { turn: Turn; override: Override | null; startsAt: Date; endsAt: Date } | null {
  const turn = turnAt(def, t);
  if (!turn) return null;
  const override = overrideAt(overrides, t);
  if (override) return { turn, override, startsAt: new Date(override.from), endsAt: new Date(override.to) };
  let startsAt = turn.startsAt;
  let endsAt = turn.endsAt;
  for (const o of overrides) {
    const from = new Date(o.from);
    const to = new Date(o.to);
    if (to <= t && to > startsAt) startsAt = to;
    if (from > t && from < endsAt) endsAt = from;
  }
  return { turn, override: null, startsAt, endsAt };
}

/** Local calendar days of [from, to) in the zone, each with the hours of it covered (for the fairness weights). */
export function localDays(from: Date, to: Date, zone: string): { date: string; weekday: number; hours: number }[] {
  const days: { date: string; weekday: number; hours: number }[] = [];
  let cursor = DateTime.fromJSDate(from, { zone });
  const end = DateTime.fromJSDate(to, { zone });
  while (cursor < end) {
    const next = DateTime.min(cursor.startOf('day').plus({ days: 1 }), end);
    days.push({
      date: cursor.toISODate() as string,
      weekday: cursor.weekday,
      hours: next.diff(cursor, 'hours').hours,
    });
    cursor = next;
  }
  return days;
}

/** The instant eligibility is asked at for `at`: the start of the turn in progress, or of the first turn. */
export function eligibilityInstant(def: RotationDefinition, at: Date): Date | null {
  const t = at < new Date(def.startsAt) ? new Date(def.startsAt) : at;
  return turnAt(def, t)?.startsAt ?? null;
}
