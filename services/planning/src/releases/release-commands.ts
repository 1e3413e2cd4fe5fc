import { type EventCatalogue, releaseEvents, streamName } from '@railyard/contracts';
import { createCommandHandler, type EventStore } from '@railyard/eventstore';
import { releaseDecider } from './domain/release.decide.js';

/** The release aggregate's command handler and stream naming, shared by the release slices. */
export function createReleaseCommands(store: EventStore) {
  return createCommandHandler({
    store,
    decider: releaseDecider,
    catalogue: releaseEvents as unknown as EventCatalogue,
  });
}
export type ReleaseCommands = ReturnType<typeof createReleaseCommands>;

export const releaseStream = (id: string) => streamName('release', id);

/** What every release route plugin receives from the composition root. */
export interface ReleaseRouteDeps {
  commands: ReleaseCommands;
  store: EventStore;
  /** The clock: injected so tests and replays control time. */
  now: () => Date;
}
