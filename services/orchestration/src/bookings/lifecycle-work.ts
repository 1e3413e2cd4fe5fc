import { bookingCalendarStream } from '@railyard/contracts';
import type { CommandContext } from '@railyard/eventstore';
import type { Kysely } from 'kysely';
import type { BookingListDb } from './booking-list/projection.js';
import type { BookingCommands } from './booking-store.js';

/** The bookings' share of the lifecycle scheduler's work (E2, E4): calendars with ended bookings, and their expiry. */
export function bookingLifecycleWork(db: Kysely<BookingListDb>, commands: BookingCommands) {
  return {
    async endedBookings(at: Date): Promise<string[]> {
      const rows = await db
        .selectFrom('orchestration.bookings')
        .select('environment')
        .distinct()
        .where('status', 'in', ['confirmed', 'queued'])
        .where('until_at', '<=', at)
        .execute();
      return rows.map((r) => r.environment);
    },
    async expireBookings(environment: string, at: Date, ctx: CommandContext): Promise<number> {
      const result = await commands.handle(
        bookingCalendarStream(environment),
        { type: 'ExpireBookings', environment, now: at },
        ctx,
      );
      return result.events.length;
    },
  };
}
