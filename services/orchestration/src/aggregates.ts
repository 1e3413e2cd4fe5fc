import {
  bookingCalendarEvents,
  datasetEvents,
  deploymentCalendarEvents,
  deploymentEvents,
  type EventCatalogue,
  environmentEvents,
  quotaEvents,
  windowOverrideEvents,
} from '@railyard/contracts';
import { bookingListProjection } from './bookings/booking-list/projection.js';
import { bookingCalendarDecider } from './bookings/domain/booking-calendar.decide.js';
import { datasetDecider } from './data-policy/domain/dataset.decide.js';
import { deploymentListProjection } from './deployments/deployment-list/projection.js';
import { deploymentDecider } from './deployments/domain/deployment.decide.js';
import { environmentDecider } from './environments/domain/environment.decide.js';
import { environmentListProjection } from './environments/environment-list/projection.js';
import { flagAggregates } from './flags/routes.js';
import { planAggregates, planListProjection, runningVersionsProjection } from './plans/capability.js';
import { quotaDecider } from './quotas/domain/quota.decide.js';
import { quotaUseProjection } from './quotas/quota-use/projection.js';
import { calendarDecider } from './windows/domain/calendar.decide.js';
import { overrideDecider } from './windows/domain/override.decide.js';
import { windowCalendarProjection } from './windows/window-calendar/projection.js';

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
  {
    category: 'quota',
    initialState: quotaDecider.initialState,
    evolve: quotaDecider.evolve,
    catalogue: quotaEvents as unknown as EventCatalogue,
  },
  {
    category: 'deploymentCalendar',
    initialState: calendarDecider.initialState,
    evolve: calendarDecider.evolve,
    catalogue: deploymentCalendarEvents as unknown as EventCatalogue,
  },
  {
    category: 'windowOverride',
    initialState: overrideDecider.initialState,
    evolve: overrideDecider.evolve,
    catalogue: windowOverrideEvents as unknown as EventCatalogue,
  },
  ...flagAggregates,
  {
    category: 'deployment',
    initialState: deploymentDecider.initialState,
    evolve: deploymentDecider.evolve,
    catalogue: deploymentEvents as unknown as EventCatalogue,
  },
  ...planAggregates,
] as const;

/** Orchestration's projections, each with the name, schema, filter, fold and reset a rebuild needs. */
export const orchestrationProjections = [
  environmentListProjection,
  bookingListProjection,
  quotaUseProjection,
  windowCalendarProjection,
  deploymentListProjection,
  planListProjection,
  runningVersionsProjection,
] as const;
