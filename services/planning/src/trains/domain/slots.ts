import { DateTime, IANAZone } from 'luxon';
import type { Cadence } from './train.js';

/*
 * Slot arithmetic in the train's IANA time zone with luxon (maintained, DST-aware, zone data from the platform's
 * Intl): "every two weeks at 10:00 Europe/Paris" must stay 10:00 local across a DST change, which fixed-offset
 * arithmetic on instants gets wrong by an hour.
 */

export interface Slot {
  /** The slot's day, in the train's zone. */
  slotDate: string;
  /** When the slot ships, and its freeze cutoff (cutoffDaysBefore calendar days earlier, same local time). */
  shipsAt: string;
  cutoffAt: string;
}

export const isKnownZone = (zone: string) => IANAZone.isValidZone(zone);

/** The n-th slot (0-based) of a cadence. */
export function slotAt(cadence: Cadence, n: number): Slot {
  const ships = DateTime.fromISO(`${cadence.firstSlot}T${cadence.releaseTime}`, { zone: cadence.timeZone }).plus({
    weeks: n * cadence.everyWeeks,
  });
  const cutoff = ships.minus({ days: cadence.cutoffDaysBefore });
  return {
    slotDate: ships.toISODate()!,
    shipsAt: ships.toUTC().toISO()!,
    cutoffAt: cutoff.toUTC().toISO()!,
  };
}

/** The slot on this day, if the cadence has one (the day counts from the first slot in whole cadence periods). */
export function slotOn(cadence: Cadence, slotDate: string): Slot | undefined {
  const days = DateTime.fromISO(slotDate, { zone: 'UTC' })
    .diff(DateTime.fromISO(cadence.firstSlot, { zone: 'UTC' }), 'days')
    .as('days');
  const period = 7 * cadence.everyWeeks;
  if (!Number.isInteger(days) || days < 0 || days % period !== 0) return undefined;
  return slotAt(cadence, days / period);
}

/** The next `count` slots that ship after `from`. */
export function upcomingSlots(cadence: Cadence, from: Date, count: number): Slot[] {
  const first = DateTime.fromISO(cadence.firstSlot, { zone: cadence.timeZone });
  const elapsedWeeks = DateTime.fromJSDate(from, { zone: cadence.timeZone }).diff(first, 'weeks').as('weeks');
  // Start a period early: the floor can land on a slot that already shipped earlier today.
  let n = Math.max(0, Math.floor(elapsedWeeks / cadence.everyWeeks) - 1);
  const slots: Slot[] = [];
  while (slots.length < count) {
    const slot = slotAt(cadence, n++);
    if (Date.parse(slot.shipsAt) > from.getTime()) slots.push(slot);
  }
  return slots;
}
