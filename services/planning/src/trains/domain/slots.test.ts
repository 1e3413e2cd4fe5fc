import { describe, expect, it } from 'vitest';
import { slotAt, slotOn, upcomingSlots } from './slots.js';

const paris = {
  timeZone: 'Europe/Paris',
  firstSlot: '2026-03-17',
  everyWeeks: 2,
  releaseTime: '10:00',
  cutoffDaysBefore: 3,
};

describe('train slots', () => {
  it('keeps the local release time across a DST change', () => {
    // 17 March is CET (UTC+1); 31 March is CEST (UTC+2): same 10:00 in Paris, a different UTC hour.
    expect(slotAt(paris, 0)).toEqual({
      slotDate: '2026-03-17',
      shipsAt: '2026-03-17T09:00:00.000Z',
      cutoffAt: '2026-03-14T09:00:00.000Z',
    });
    expect(slotAt(paris, 1)).toEqual({
      slotDate: '2026-03-31',
      shipsAt: '2026-03-31T08:00:00.000Z',
      cutoffAt: '2026-03-28T09:00:00.000Z',
    });
  });
  it('finds a slot only on the cadence', () => {
    expect(slotOn(paris, '2026-03-31')?.shipsAt).toBe('2026-03-31T08:00:00.000Z');
    expect(slotOn(paris, '2026-03-24')).toBeUndefined();
    expect(slotOn(paris, '2026-03-03')).toBeUndefined();
  });
  it('lists the slots shipping after a moment', () => {
    const slots = upcomingSlots(paris, new Date('2026-03-31T08:00:00.000Z'), 2);
    expect(slots.map((s) => s.slotDate)).toEqual(['2026-04-14', '2026-04-28']);
    expect(upcomingSlots(paris, new Date('2025-01-01T00:00:00.000Z'), 1)[0]!.slotDate).toBe('2026-03-17');
  });
});
