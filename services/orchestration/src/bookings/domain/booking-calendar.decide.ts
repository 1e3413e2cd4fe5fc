import {
  type BookingCalendarEvent,
  type BookingRequest,
  OrchestrationErrorCodes as Codes,
  type EnvironmentTier,
  invalid,
  notFound,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import {
  checkDataPolicy,
  type DatasetPolicyView,
  describeDataPolicyRefusals,
} from '../../data-policy/domain/data-policy.js';

export type BookingStatus = 'confirmed' | 'queued' | 'cancelled' | 'expired';
export interface Booking extends BookingRequest {
  status: BookingStatus;
}
export interface BookingCalendarState {
  /** In the order they were requested: the queue is this list's queued entries, oldest first. */
  bookings: Booking[];
}

export type BookingCalendarCommand =
  | {
      type: 'Book';
      environment: { name: string; tier: EnvironmentTier; tornDown: boolean };
      request: BookingRequest;
      /** The datasets the request names, as the data-policy capability knows them. */
      datasets: DatasetPolicyView[];
      whenBusy: 'refuse' | 'queue';
      now: Date;
    }
  | { type: 'CancelBooking'; environment: string; bookingId: string; actor: string; now: Date }
  /** The scheduler's heartbeat: confirmed bookings that ended expire, queued ones that can no longer start lapse. */
  | { type: 'ExpireBookings'; environment: string; now: Date };

// A client's "now" and ours differ by a little; a booking may start up to a minute before the server's clock.
const PAST_TOLERANCE_MS = 60_000;

const ms = (iso: string) => new Date(iso).getTime();
const overlaps = (a: Pick<Booking, 'from' | 'until'>, b: Pick<Booking, 'from' | 'until'>) =>
  ms(a.from) < ms(b.until) && ms(b.from) < ms(a.until);

/** The confirmed bookings a range collides with (half-open ranges: one may start when the other ends). */
export const conflictsOf = (s: BookingCalendarState, range: Pick<Booking, 'from' | 'until'>) =>
  s.bookings.filter((b) => b.status === 'confirmed' && overlaps(b, range));

/**
 * The queue after a booking freed the environment, oldest first, as GitLab's resource_group `oldest_first`: each
 * waiting booking that now fits, and has not already ended, gets the environment.
 */
function allocateFromQueue(s: BookingCalendarState, environment: string, freedBy: string, now: Date) {
  const events: BookingCalendarEvent[] = [];
  const confirmed = s.bookings.filter((b) => b.status === 'confirmed' && b.bookingId !== freedBy);
  for (const b of s.bookings) {
    if (b.status !== 'queued' || ms(b.until) <= now.getTime()) continue;
    if (confirmed.some((c) => overlaps(c, b))) continue;
    confirmed.push(b);
    events.push({
      type: 'BookingAllocatedFromQueue',
      data: { environment, bookingId: b.bookingId, releaseId: b.releaseId, freedBy },
    });
  }
  return events;
}

function book(c: Extract<BookingCalendarCommand, { type: 'Book' }>, s: BookingCalendarState): BookingCalendarEvent[] {
  const { request: r, environment } = c;
  if (environment.tornDown) {
    throw ruleViolated(
      Codes.ENVIRONMENT_TORN_DOWN,
      `Environment ${environment.name} was torn down; it cannot be booked.`,
    );
  }
  if (ms(r.until) <= ms(r.from)) {
    throw invalid(Codes.BOOKING_RANGE_INVALID, 'A booking must end after it starts.', { from: r.from, until: r.until });
  }
  if (ms(r.from) < c.now.getTime() - PAST_TOLERANCE_MS) {
    throw invalid(Codes.BOOKING_IN_PAST, 'A booking cannot start in the past.', {
      from: r.from,
      now: c.now.toISOString(),
    });
  }
  // E2: pre-production is reserved for the final integration of a release.
  if (environment.tier === 'preprod' && r.phase !== 'final-integration') {
    throw ruleViolated(
      Codes.BOOKING_PHASE_NOT_ALLOWED,
      `Preprod environments are booked only for final-integration, not ${r.phase}.`,
      { tier: environment.tier, phase: r.phase },
    );
  }
  const refusals = checkDataPolicy({ tier: environment.tier, datasets: c.datasets, at: c.now });
  if (refusals.length > 0) {
    throw ruleViolated(Codes.MASKING_ATTESTATION_REQUIRED, `Refused: ${describeDataPolicyRefusals(refusals)}.`, {
      refusals,
    });
  }
  if (s.bookings.some((b) => b.bookingId === r.bookingId)) return []; // the same booking again: nothing new
  const conflicts = conflictsOf(s, r);
  if (conflicts.length === 0) return [{ type: 'BookingConfirmed', data: { environment: environment.name, ...r } }];
  if (c.whenBusy === 'refuse') {
    const names = conflicts.map((b) => `${b.bookingId} (release ${b.releaseId}, ${b.from} – ${b.until})`).join(', ');
    throw ruleViolated(Codes.BOOKING_CONFLICT, `Environment ${environment.name} is already booked: ${names}.`, {
      conflictsWith: conflicts.map(({ bookingId, releaseId, phase, from, until }) => ({
        bookingId,
        releaseId,
        phase,
        from,
        until,
      })),
    });
  }
  return [
    {
      type: 'BookingQueued',
      data: { environment: environment.name, ...r, conflictsWith: conflicts.map((b) => b.bookingId) },
    },
  ];
}

export const bookingCalendarDecider: Decider<BookingCalendarCommand, BookingCalendarEvent, BookingCalendarState> = {
  initialState: { bookings: [] },
  evolve(s, e) {
    const set = (id: string, status: BookingStatus) => ({
      bookings: s.bookings.map((b) => (b.bookingId === id ? { ...b, status } : b)),
    });
    switch (e.type) {
      case 'BookingConfirmed':
      case 'BookingQueued': {
        const { environment: _env, ...rest } = e.data;
        const { conflictsWith: _c, ...request } = rest as typeof rest & { conflictsWith?: string[] };
        const status: BookingStatus = e.type === 'BookingConfirmed' ? 'confirmed' : 'queued';
        return { bookings: [...s.bookings, { ...request, status }] };
      }
      case 'BookingAllocatedFromQueue':
        return set(e.data.bookingId, 'confirmed');
      case 'BookingCancelled':
        return set(e.data.bookingId, 'cancelled');
      case 'BookingExpired':
        return set(e.data.bookingId, 'expired');
      default:
        return s;
    }
  },
  decide(c, s) {
    if (c.type === 'Book') return book(c, s);
    if (c.type === 'CancelBooking') {
      const b = s.bookings.find((x) => x.bookingId === c.bookingId);
      if (!b) throw notFound(Codes.BOOKING_NOT_FOUND, 'No booking with this id in this environment.');
      if (b.status === 'cancelled' || b.status === 'expired') return []; // already gone: DELETE is idempotent
      const cancelled: BookingCalendarEvent = {
        type: 'BookingCancelled',
        data: {
          environment: c.environment,
          bookingId: b.bookingId,
          wasQueued: b.status === 'queued',
          cancelledBy: c.actor,
        },
      };
      if (b.status === 'queued') return [cancelled];
      const after = bookingCalendarDecider.evolve(s, cancelled);
      return [cancelled, ...allocateFromQueue(after, c.environment, b.bookingId, c.now)];
    }
    const events: BookingCalendarEvent[] = [];
    let state = s;
    for (const b of s.bookings) {
      if (ms(b.until) > c.now.getTime()) continue;
      let e: BookingCalendarEvent;
      if (b.status === 'confirmed') {
        e = { type: 'BookingExpired', data: { environment: c.environment, bookingId: b.bookingId, until: b.until } };
      } else if (b.status === 'queued') {
        // Its whole range passed while it waited: it can never be served.
        e = {
          type: 'BookingCancelled',
          data: {
            environment: c.environment,
            bookingId: b.bookingId,
            wasQueued: true,
            cancelledBy: 'orchestration-scheduler',
          },
        };
      } else continue;
      events.push(e);
      state = bookingCalendarDecider.evolve(state, e);
      if (e.type === 'BookingExpired') {
        const allocated = allocateFromQueue(state, c.environment, b.bookingId, c.now);
        for (const a of allocated) state = bookingCalendarDecider.evolve(state, a);
        events.push(...allocated);
      }
    }
    return events;
  },
};

/** Whether a release may deploy into the environment at `at` (E2 for part 2's deployments), and who holds it if not. */
export function bookingCheck(
  s: BookingCalendarState,
  input: { releaseId: string | null; at: Date },
): { ok: boolean; heldBy: Pick<Booking, 'bookingId' | 'releaseId' | 'phase' | 'from' | 'until'> | null } {
  const t = input.at.getTime();
  const holder = s.bookings.find((b) => b.status === 'confirmed' && ms(b.from) <= t && t < ms(b.until));
  if (!holder) return { ok: true, heldBy: null };
  const { bookingId, releaseId, phase, from, until } = holder;
  return { ok: holder.releaseId === input.releaseId, heldBy: { bookingId, releaseId, phase, from, until } };
}
