import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { DatasetName, OrchestrationEnvironmentName, ReleasePhase } from './names.js';

const environment = OrchestrationEnvironmentName;
const bookingId = z.uuid();
const at = z.iso.datetime({ offset: true });

/** What a booking asks for: a release phase holding the environment over [from, until). */
export const BookingRequest = z.strictObject({
  bookingId,
  releaseId: z.string().min(1).max(200),
  phase: ReleasePhase,
  from: at,
  until: at,
  datasets: z.array(DatasetName).max(50).describe('Datasets the release loads into the environment.'),
  bookedBy: z.string().min(1).max(200),
  requestedAt: at,
});
export type BookingRequest = z.infer<typeof BookingRequest>;

export const BookingConfirmed = defineEvent(
  'BookingConfirmed',
  z.strictObject({ environment, ...BookingRequest.shape }),
  'A release phase holds the environment for a time range.',
);

export const BookingQueued = defineEvent(
  'BookingQueued',
  z.strictObject({ environment, ...BookingRequest.shape, conflictsWith: z.array(bookingId).min(1) }),
  'The range was taken: the booking waits in the environment queue (oldest first) behind the bookings named.',
);

export const BookingAllocatedFromQueue = defineEvent(
  'BookingAllocatedFromQueue',
  z.strictObject({ environment, bookingId, releaseId: z.string().min(1).max(200), freedBy: bookingId }),
  'A booking that waited got the environment, because the booking named by freedBy was cancelled or expired.',
);

export const BookingCancelled = defineEvent(
  'BookingCancelled',
  z.strictObject({ environment, bookingId, wasQueued: z.boolean(), cancelledBy: z.string().min(1).max(200) }),
  'A booking (confirmed or waiting) was cancelled.',
);

export const BookingExpired = defineEvent(
  'BookingExpired',
  z.strictObject({ environment, bookingId, until: at }),
  'A confirmed booking reached its end.',
);

/** The booking calendar aggregate's catalogue (`bookingCalendar-<environment>`). */
export const bookingCalendarEvents = {
  BookingConfirmed,
  BookingQueued,
  BookingAllocatedFromQueue,
  BookingCancelled,
  BookingExpired,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type BookingCalendarEvent = {
  [K in keyof typeof bookingCalendarEvents]: { type: K; data: DataOf<(typeof bookingCalendarEvents)[K]> };
}[keyof typeof bookingCalendarEvents];
