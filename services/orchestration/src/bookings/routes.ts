import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { type BookEnvironmentDeps, bookEnvironmentRoute } from './book-environment/route.js';
import type { BookingListDb } from './booking-list/projection.js';
import { bookingListRoute } from './booking-list/route.js';
import type { BookingCommands } from './booking-store.js';
import { cancelBookingRoute } from './cancel-booking/route.js';

/** The bookings capability (E2): each route gets only what it uses. */
export async function registerBookingRoutes(
  app: App,
  deps: Pick<BookEnvironmentDeps, 'loadEnvironment' | 'loadDatasets'> & {
    store: EventStore;
    commands: BookingCommands;
    db: Kysely<BookingListDb>;
    runner: ProjectionRunner;
    now: () => Date;
  },
) {
  const { store, commands, db, runner, now } = deps;
  await app.register(bookEnvironmentRoute, {
    commands,
    store,
    now,
    loadEnvironment: deps.loadEnvironment,
    loadDatasets: deps.loadDatasets,
  });
  await app.register(cancelBookingRoute, { commands, now });
  await app.register(bookingListRoute, { db, runner });
}
