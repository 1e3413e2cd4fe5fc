import { bookingCalendarEvents, datasetEvents, type EventCatalogue, environmentEvents } from '@railyard/contracts';
import { bookingListProjection } from './bookings/booking-list/projection.js';
import { bookingCalendarDecider } from './bookings/domain/booking-calendar.decide.js';
import { datasetDecider } from './data-policy/domain/dataset.decide.js';
import { environmentDecider } from './environments/domain/environment.decide.js';
import { environmentListProjection } from './environments/environment-list/projection.js';
import { flagAggregates } from './flags/routes.js';

/**
 * What tools outside the service (the railyard CLI) need to replay orchestration's history: per stream category,
 * the decider's fold and the catalogue that upcasts stored events; and the projections a rebuild can replay.
 */
export const orchestrationAggregates = [
  {
    category: 'environment',
    initialState: environmentDecider.initialState,
    evolve: environmentDecider.evolve,
    catalogue: environmentEvents as unknown as EventCatalogue,
  },
  {
    category: 'bookingCalendar',
    initialState: bookingCalendarDecider.initialState,
    evolve: bookingCalendarDecider.evolve,
    catalogue: bookingCalendarEvents as unknown as EventCatalogue,
  },
  {
    category: 'dataset',
    initialState: datasetDecider.initialState,
    evolve: datasetDecider.evolve,
    catalogue: datasetEvents as unknown as EventCatalogue,
  },
  ...flagAggregates,
] as const;

/** Orchestration's projections, each with the name, schema, filter, fold and reset a rebuild needs. */
export const orchestrationProjections = [environmentListProjection, bookingListProjection] as const;
