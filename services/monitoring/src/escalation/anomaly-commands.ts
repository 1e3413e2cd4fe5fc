import { anomalyEvents, anomalyStream, type EventCatalogue } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { anomalyDecider } from './domain/anomaly.js';

const catalogue = anomalyEvents as unknown as EventCatalogue;
export const createAnomalyCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: anomalyDecider, catalogue });
export type AnomalyCommands = ReturnType<typeof createAnomalyCommands>;
export const loadAnomaly = (store: EventStore, id: string) =>
  loadAggregate(store, anomalyDecider, catalogue, anomalyStream(id));
