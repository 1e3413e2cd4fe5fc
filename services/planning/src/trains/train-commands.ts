import { type EventCatalogue, notFound, PlanningErrorCodes, releaseTrainEvents, streamName } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { type ReleaseTrain, trainDecider } from './domain/train.js';

const catalogue = releaseTrainEvents as unknown as EventCatalogue;

/** The release train aggregate's command handler (`releaseTrain-<id>`). */
export const createTrainCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: trainDecider, catalogue });
export type TrainCommands = ReturnType<typeof createTrainCommands>;

export const trainStream = (id: string) => streamName('releaseTrain', id);

/** The train folded from its stream, or 404. */
export async function loadTrain(store: EventStore, id: string): Promise<{ train: ReleaseTrain; revision: bigint }> {
  const loaded = await loadAggregate(store, trainDecider, catalogue, trainStream(id));
  if (!loaded.state.exists) throw notFound(PlanningErrorCodes.TRAIN_NOT_FOUND, 'No release train with this id.');
  return { train: loaded.state, revision: loaded.revision };
}

export interface TrainRouteDeps {
  commands: TrainCommands;
  store: EventStore;
  now: () => Date;
}
