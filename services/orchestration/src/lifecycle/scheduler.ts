import { type Actor, bookingCalendarStream, environmentStream } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type { BookingListDb } from '../bookings/booking-list/projection.js';
import type { createBookingCommands } from '../bookings/booking-store.js';
import type { EnvironmentListDb } from '../environments/environment-list/projection.js';
import type { createEnvironmentCommands } from '../environments/environment-store.js';

/** The scheduler acts as this system actor: its events say no person did it. */
export const SCHEDULER_ACTOR: Actor = { id: 'orchestration-scheduler', kind: 'system', roles: [] };

export interface LifecycleScheduler {
  /** One pass at the clock's current time; returns how many events it appended. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * E4's scheduler: on every tick it sends the environment aggregate a Tick (TTL teardown, due recreates) and the
 * booking calendar an ExpireBookings (ended bookings, then the queue). Candidates come from the read models; the
 * decision is the deciders' on the folded streams, so a stale row costs a no-op, never a wrong event. Time comes
 * from the injected clock, so tests move the clock instead of waiting.
 */
export function createLifecycleScheduler(deps: {
  store: EventStore;
  db: Kysely<EnvironmentListDb & BookingListDb>;
  environments: ReturnType<typeof createEnvironmentCommands>;
  bookings: ReturnType<typeof createBookingCommands>;
  now: () => Date;
  intervalMs: number;
  logger: Logger;
}): LifecycleScheduler {
  const { db, now, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    const at = now();
    const ctx = { actor: SCHEDULER_ACTOR, now: at, correlationId: `lifecycle-${at.toISOString()}` };
    let appended = 0;
    const envs = await db
      .selectFrom('orchestration.environments')
      .select('name')
      .where((eb) =>
        eb.or([
          eb.and([eb('expires_at', '<=', at), eb('torn_down_at', 'is', null)]),
          eb('recreate_cron', 'is not', null),
        ]),
      )
      .execute();
    for (const { name } of envs) {
      const result = await deps.environments.handle(environmentStream(name), { type: 'Tick', at }, ctx);
      appended += result.events.length;
    }
    const calendars = await db
      .selectFrom('orchestration.bookings')
      .select('environment')
      .distinct()
      .where('status', 'in', ['confirmed', 'queued'])
      .where('until_at', '<=', at)
      .execute();
    for (const { environment } of calendars) {
      const result = await deps.bookings.handle(
        bookingCalendarStream(environment),
        { type: 'ExpireBookings', environment, now: at },
        ctx,
      );
      appended += result.events.length;
    }
    return appended;
  }

  const tick = () => {
    // One pass at a time: an interval firing during a slow pass joins it instead of racing it.
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    tick,
    start() {
      timer = setInterval(() => {
        tick().catch((err) => logger.warn({ err }, 'lifecycle scheduler pass failed'));
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
