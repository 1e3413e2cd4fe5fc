import type { BookingCalendarEvent, BookingRequest } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import type { DatasetPolicyView } from '../../data-policy/domain/data-policy.js';
import { type BookingCalendarCommand, bookingCalendarDecider, bookingCheck } from './booking-calendar.decide.js';

const now = new Date('2026-12-01T09:00:00Z');
const ID = (n: number) => `0193a000-0000-7000-8000-00000000000${n}`;
const request = (n: number, over: Partial<BookingRequest> = {}): BookingRequest => ({
  bookingId: ID(n),
  releaseId: `rel-${n}`,
  phase: 'integration',
  from: '2026-12-02T00:00:00.000Z',
  until: '2026-12-05T00:00:00.000Z',
  datasets: [],
  bookedBy: 'rm-ana',
  requestedAt: now.toISOString(),
  ...over,
});
const staging = { name: 'staging', tier: 'staging' as const, tornDown: false };
const book = (
  r: BookingRequest,
  over: Partial<Extract<BookingCalendarCommand, { type: 'Book' }>> = {},
): BookingCalendarCommand => ({
  type: 'Book',
  environment: staging,
  request: r,
  datasets: [],
  whenBusy: 'refuse',
  now,
  ...over,
});
const confirmed = (r: BookingRequest): BookingCalendarEvent => ({
  type: 'BookingConfirmed',
  data: { environment: 'staging', ...r },
});
const queued = (r: BookingRequest, behind: string[]): BookingCalendarEvent => ({
  type: 'BookingQueued',
  data: { environment: 'staging', ...r, conflictsWith: behind },
});
const restricted: DatasetPolicyView = {
  name: 'orders-prod-copy',
  classification: 'restricted',
  productionDerived: true,
  attestations: [],
};

describe('booking calendar decider', () => {
  describe('when the environment is free', () => {
    it('confirms a booking', () => {
      spec(bookingCalendarDecider)
        .when(book(request(1)))
        .then([confirmed(request(1))]);
    });
    it('refuses an environment that was torn down', () => {
      spec(bookingCalendarDecider)
        .when(book(request(1), { environment: { ...staging, tornDown: true } }))
        .thenThrows('ORCHESTRATION_ENVIRONMENT_TORN_DOWN');
    });
    it('refuses a range that does not end after it starts, and one in the past', () => {
      spec(bookingCalendarDecider)
        .when(book(request(1, { until: '2026-12-02T00:00:00.000Z' })))
        .thenThrows('ORCHESTRATION_BOOKING_RANGE_INVALID');
      spec(bookingCalendarDecider)
        .when(book(request(1, { from: '2026-11-30T00:00:00.000Z' })))
        .thenThrows('ORCHESTRATION_BOOKING_IN_PAST');
    });
    it('books preprod only for final-integration', () => {
      const preprod = { name: 'preprod', tier: 'preprod' as const, tornDown: false };
      spec(bookingCalendarDecider)
        .when(book(request(1), { environment: preprod }))
        .thenThrows('ORCHESTRATION_BOOKING_PHASE_NOT_ALLOWED');
      spec(bookingCalendarDecider)
        .when(book(request(1, { phase: 'final-integration' }), { environment: preprod }))
        .then([
          { type: 'BookingConfirmed', data: { environment: 'preprod', ...request(1, { phase: 'final-integration' }) } },
        ]);
    });
    it('refuses production-derived restricted data without a valid masking attestation (E3)', () => {
      const err = spec(bookingCalendarDecider)
        .when(book(request(1, { datasets: [restricted.name] }), { datasets: [restricted] }))
        .thenThrows('ORCHESTRATION_MASKING_ATTESTATION_REQUIRED');
      expect(err.details).toEqual({
        refusals: [
          { dataset: 'orders-prod-copy', classification: 'restricted', reason: 'no-attestation', lastExpiredAt: null },
        ],
      });
      const attested = {
        ...restricted,
        attestations: [{ attestationId: ID(9), expiresAt: '2026-12-31T00:00:00.000Z' }],
      };
      spec(bookingCalendarDecider)
        .when(book(request(1, { datasets: [restricted.name] }), { datasets: [attested] }))
        .then([confirmed(request(1, { datasets: [restricted.name] }))]);
    });
  });

  describe('when another release holds the range', () => {
    const given = () => spec(bookingCalendarDecider).given([confirmed(request(1))]);
    it('refuses an overlapping booking with 409, naming the booking it conflicts with', () => {
      const err = given()
        .when(book(request(2, { from: '2026-12-04T00:00:00.000Z', until: '2026-12-06T00:00:00.000Z' })))
        .thenThrows('ORCHESTRATION_BOOKING_CONFLICT');
      expect(err.message).toContain(ID(1));
      expect(err.details).toMatchObject({ conflictsWith: [{ bookingId: ID(1), releaseId: 'rel-1' }] });
    });
    it('confirms a booking that starts exactly when the other ends (half-open ranges)', () => {
      const r = request(2, { from: '2026-12-05T00:00:00.000Z', until: '2026-12-06T00:00:00.000Z' });
      given()
        .when(book(r))
        .then([confirmed(r)]);
    });
    it('queues the overlapping booking when asked to', () => {
      given()
        .when(book(request(2), { whenBusy: 'queue' }))
        .then([queued(request(2), [ID(1)])]);
    });
    it('gives the environment to the oldest waiting booking when the holder cancels', () => {
      spec(bookingCalendarDecider)
        .given([confirmed(request(1)), queued(request(2), [ID(1)]), queued(request(3), [ID(1)])])
        .when({ type: 'CancelBooking', environment: 'staging', bookingId: ID(1), actor: 'rm-ana', now })
        .then([
          {
            type: 'BookingCancelled',
            data: { environment: 'staging', bookingId: ID(1), wasQueued: false, cancelledBy: 'rm-ana' },
          },
          {
            type: 'BookingAllocatedFromQueue',
            data: { environment: 'staging', bookingId: ID(2), releaseId: 'rel-2', freedBy: ID(1) },
          },
        ]);
    });
    it('expires ended bookings on the scheduler tick and allocates the queue', () => {
      const later = request(2, { until: '2026-12-08T00:00:00.000Z' });
      spec(bookingCalendarDecider)
        .given([confirmed(request(1)), queued(later, [ID(1)])])
        .when({ type: 'ExpireBookings', environment: 'staging', now: new Date('2026-12-05T00:00:00Z') })
        .then([
          {
            type: 'BookingExpired',
            data: { environment: 'staging', bookingId: ID(1), until: '2026-12-05T00:00:00.000Z' },
          },
          {
            type: 'BookingAllocatedFromQueue',
            data: { environment: 'staging', bookingId: ID(2), releaseId: 'rel-2', freedBy: ID(1) },
          },
        ]);
    });
    it('answers 404 for an unknown booking and nothing for one already cancelled', () => {
      given()
        .when({ type: 'CancelBooking', environment: 'staging', bookingId: ID(7), actor: 'x', now })
        .thenThrows('ORCHESTRATION_BOOKING_NOT_FOUND');
      spec(bookingCalendarDecider)
        .given([
          confirmed(request(1)),
          {
            type: 'BookingCancelled',
            data: { environment: 'staging', bookingId: ID(1), wasQueued: false, cancelledBy: 'x' },
          },
        ])
        .when({ type: 'CancelBooking', environment: 'staging', bookingId: ID(1), actor: 'x', now })
        .thenNothing();
    });
  });

  it('bookingCheck lets the holder deploy and names the holder to anyone else', () => {
    const state = spec(bookingCalendarDecider)
      .given([confirmed(request(1))])
      .when(book(request(5))).state;
    const inside = new Date('2026-12-03T00:00:00Z');
    expect(bookingCheck(state, { releaseId: 'rel-1', at: inside }).ok).toBe(true);
    expect(bookingCheck(state, { releaseId: 'rel-2', at: inside })).toMatchObject({
      ok: false,
      heldBy: { bookingId: ID(1) },
    });
    expect(bookingCheck(state, { releaseId: 'rel-2', at: new Date('2026-12-06T00:00:00Z') })).toEqual({
      ok: true,
      heldBy: null,
    });
  });
});
