import { type EventCatalogue, rotationEvents, rotationStream } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { rotationDecider } from './domain/rotation.decide.js';

const catalogue = rotationEvents as unknown as EventCatalogue;

/** The rotation aggregate's command handler (`rotation-<id>`), built once by the routes and the scheduler. */
export const createRotationHandler = (store: EventStore) =>
  createCommandHandler({ store, decider: rotationDecider, catalogue });
export type RotationHandler = ReturnType<typeof createRotationHandler>;

/** A rotation's stream folded. */
export const loadRotation = (store: EventStore, id: string) =>
  loadAggregate(store, rotationDecider, catalogue, rotationStream(id));
