import { deploymentWatchEvents, deploymentWatchStream, type EventCatalogue } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { deploymentWatchDecider } from './domain/deployment-watch.js';

const catalogue = deploymentWatchEvents as unknown as EventCatalogue;

export const watchStream = deploymentWatchStream;
export const createWatchCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: deploymentWatchDecider, catalogue });
export type WatchCommands = ReturnType<typeof createWatchCommands>;
export const loadWatch = (store: EventStore, deploymentId: string) =>
  loadAggregate(store, deploymentWatchDecider, catalogue, watchStream(deploymentId));
