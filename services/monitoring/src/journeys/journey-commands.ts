import { type EventCatalogue, journeyEvents, journeyStream } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { journeyDecider } from './domain/journey.js';

const catalogue = journeyEvents as unknown as EventCatalogue;
export const createJourneyCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: journeyDecider, catalogue });
export type JourneyCommands = ReturnType<typeof createJourneyCommands>;
export const loadJourney = (store: EventStore, name: string) =>
  loadAggregate(store, journeyDecider, catalogue, journeyStream(name));
