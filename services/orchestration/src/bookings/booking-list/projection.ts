import type { BookingCalendarEvent } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import type { Transaction } from 'kysely';

/** Table `orchestration.bookings`: the booking calendar of every environment (E2). */
export interface BookingRow {
  booking_id: string;
  environment: string;
  release_id: string;
  phase: string;
  from_at: Date;
  until_at: Date;
  status: string;
  datasets: string[];
  booked_by: string;
  requested_at: Date;
  updated_at: Date;
  last_event_id: string;
}
export interface BookingListDb {
  'orchestration.bookings': BookingRow;
}

/** Applies one booking-calendar event to `orchestration.bookings`. */
export const projectBookingList: ProjectFn = async (anyTrx, recorded: RecordedEvent) => {
  const trx = anyTrx as Transaction<BookingListDb>;
  const e = { type: recorded.type, data: recorded.data } as BookingCalendarEvent;
  const touched = { updated_at: new Date(recorded.metadata.occurredAt), last_event_id: recorded.id };
  const setStatus = (status: string) =>
    trx
      .updateTable('orchestration.bookings')
      .set({ status, ...touched })
      .where('booking_id', '=', e.data.bookingId)
      .execute();
  switch (e.type) {
    case 'BookingConfirmed':
    case 'BookingQueued': {
      const d = e.data;
      await trx
        .insertInto('orchestration.bookings')
        .values({
          booking_id: d.bookingId,
          environment: d.environment,
          release_id: d.releaseId,
          phase: d.phase,
          from_at: new Date(d.from),
          until_at: new Date(d.until),
          status: e.type === 'BookingConfirmed' ? 'confirmed' : 'queued',
          datasets: JSON.stringify(d.datasets) as never,
          booked_by: d.bookedBy,
          requested_at: new Date(d.requestedAt),
          ...touched,
        })
        .onConflict((oc) => oc.column('booking_id').doNothing())
        .execute();
      return;
    }
    case 'BookingAllocatedFromQueue':
      await setStatus('confirmed');
      return;
    case 'BookingCancelled':
      await setStatus('cancelled');
      return;
    case 'BookingExpired':
      await setStatus('expired');
      return;
  }
};

export async function resetBookingList(anyTrx: unknown): Promise<void> {
  await (anyTrx as Transaction<BookingListDb>).deleteFrom('orchestration.bookings').execute();
}

export const bookingListProjection = {
  name: 'booking-list',
  schema: 'orchestration',
  filter: { categories: ['bookingCalendar'] },
  project: projectBookingList,
  reset: resetBookingList,
} as const;
