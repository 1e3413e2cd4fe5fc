import { type EventCatalogue, signingKeyEvents, streamName } from '@railyard/contracts';
import { createCommandHandler, type EventStore } from '@railyard/eventstore';
import { signingKeyDecider } from './domain/signing-key.decide.js';

export const signingKeyStream = (id: string) => streamName('signingKey', id);

/** The signing-key aggregate's command handler. */
export function createSigningKeyCommands(store: EventStore) {
  return createCommandHandler({
    store,
    decider: signingKeyDecider,
    catalogue: signingKeyEvents as unknown as EventCatalogue,
  });
}
export type SigningKeyCommands = ReturnType<typeof createSigningKeyCommands>;
