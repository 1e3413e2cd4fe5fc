import { type EventCatalogue, rollbackDrillEvents, rollbackDrillStream } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { drillDecider } from './domain/drill.decide.js';

/** The rollback-drill aggregate's command handler (`rollbackDrill-<service>`), built once by the routes. */
export const createDrillHandler = (store: EventStore) =>
  createCommandHandler({
    store,
    decider: drillDecider,
    catalogue: rollbackDrillEvents as unknown as EventCatalogue,
  });
export type DrillHandler = ReturnType<typeof createDrillHandler>;

/** A service's drill stream folded: its schedule and drills. */
export const loadDrills = (store: EventStore, service: string) =>
  loadAggregate(store, drillDecider, rollbackDrillEvents as unknown as EventCatalogue, rollbackDrillStream(service));
