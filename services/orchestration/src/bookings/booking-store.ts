import { bookingCalendarEvents, bookingCalendarStream, type EventCatalogue } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { bookingCalendarDecider } from './domain/booking-calendar.decide.js';

export const bookingCatalogue = bookingCalendarEvents as unknown as EventCatalogue;

/** The booking calendar's command handler (`bookingCalendar-<environment>`). */
export const createBookingCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: bookingCalendarDecider, catalogue: bookingCatalogue });
export type BookingCommands = ReturnType<typeof createBookingCommands>;

/** An environment's booking calendar folded from its stream (empty when nothing was ever booked). */
export async function loadBookingCalendar(store: EventStore, environment: string) {
  return loadAggregate(store, bookingCalendarDecider, bookingCatalogue, bookingCalendarStream(environment));
}
