import { bundleEvents, type EventCatalogue, streamName } from '@railyard/contracts';
import { createCommandHandler, type EventStore } from '@railyard/eventstore';
import { v5 as uuidv5 } from 'uuid';
import { bundleDecider } from './domain/bundle.decide.js';

// Name-based ids (RFC 9562 v5): one bundle name@version, one stream.
const BUNDLE_NAMESPACE = '7c1d9a3e-2b4f-4e8a-b6d5-3f2e1a0c9b87';
export const bundleIdOf = (name: string, version: string) => uuidv5(`${name}@${version}`, BUNDLE_NAMESPACE);
export const bundleStream = (id: string) => streamName('bundle', id);

/** The bundle aggregate's command handler. */
export function createBundleCommands(store: EventStore) {
  return createCommandHandler({ store, decider: bundleDecider, catalogue: bundleEvents as unknown as EventCatalogue });
}
export type BundleCommands = ReturnType<typeof createBundleCommands>;
