import {
  deploymentCalendarEvents,
  deploymentCalendarStream,
  type EventCatalogue,
  notFound,
  OrchestrationErrorCodes,
  windowOverrideEvents,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { calendarDecider } from './domain/calendar.decide.js';
import { overrideDecider } from './domain/override.decide.js';

export const calendarCatalogue = deploymentCalendarEvents as unknown as EventCatalogue;
export const overrideCatalogue = windowOverrideEvents as unknown as EventCatalogue;

/** The deployment calendar's command handler (`deploymentCalendar-<id>`). */
export const createCalendarCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: calendarDecider, catalogue: calendarCatalogue });
export type CalendarCommands = ReturnType<typeof createCalendarCommands>;

/** The emergency override's command handler (`windowOverride-<id>`). */
export const createOverrideCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: overrideDecider, catalogue: overrideCatalogue });
export type OverrideCommands = ReturnType<typeof createOverrideCommands>;

/** A calendar folded from its stream, or 404. */
export async function loadCalendar(store: EventStore, id: string) {
  const loaded = await loadAggregate(store, calendarDecider, calendarCatalogue, deploymentCalendarStream(id));
  if (!loaded.state.exists) throw notFound(OrchestrationErrorCodes.CALENDAR_NOT_FOUND, 'No calendar with this id.');
  return { calendar: loaded.state, revision: loaded.revision };
}
