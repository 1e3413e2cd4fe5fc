import { ReleasePhase } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import type { Booking } from './domain/booking-calendar.decide.js';

export const BookingView = schemaComponent(
  'Booking',
  z.object({
    id: z.uuid(),
    environment: z.string(),
    releaseId: z.string(),
    phase: ReleasePhase,
    from: z.string(),
    until: z.string(),
    datasets: z.array(z.string()),
    status: z.enum(['confirmed', 'queued', 'cancelled', 'expired']),
    bookedBy: z.string(),
    requestedAt: z.string(),
  }),
);
export type BookingView = z.infer<typeof BookingView>;

export const bookingView = (environment: string, b: Booking): BookingView => ({
  id: b.bookingId,
  environment,
  releaseId: b.releaseId,
  phase: b.phase,
  from: b.from,
  until: b.until,
  datasets: b.datasets,
  status: b.status,
  bookedBy: b.bookedBy,
  requestedAt: b.requestedAt,
});
