import {
  type EventCatalogue,
  FlagDefinition,
  flagEvents,
  flagSegmentEvents,
  streamName,
  type TargetingRule,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { type FlagAggregateState, flagDecider } from './domain/flag.js';
import { segmentRefs } from './domain/flag-set.js';
import { segmentDecider } from './domain/segment.js';
import type { FlagSnapshot } from './flag-snapshot.js';

const flagCatalogue = flagEvents as unknown as EventCatalogue;
const segmentCatalogue = flagSegmentEvents as unknown as EventCatalogue;

export const flagStream = (key: string) => streamName('flag', key);
export const segmentStream = (name: string) => streamName('flagSegment', name);

export const createFlagCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: flagDecider, catalogue: flagCatalogue });
export type FlagCommands = ReturnType<typeof createFlagCommands>;
export const createSegmentCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: segmentDecider, catalogue: segmentCatalogue });
export type SegmentCommands = ReturnType<typeof createSegmentCommands>;

export const loadFlag = (store: EventStore, key: string) =>
  loadAggregate(store, flagDecider, flagCatalogue, flagStream(key));
export const loadSegment = (store: EventStore, name: string) =>
  loadAggregate(store, segmentDecider, segmentCatalogue, segmentStream(name));

/**
 * The segments a rule refers to, read from their streams (always current, unlike the snapshot, which may be a few
 * milliseconds behind): a flag defined right after its segment validates against it.
 */
export async function referencedSegments(
  store: EventStore,
  rule: TargetingRule | undefined | null,
): Promise<Record<string, TargetingRule>> {
  const found: Record<string, TargetingRule> = {};
  for (const name of segmentRefs(rule ?? undefined)) {
    const { state } = await loadSegment(store, name);
    if (state.exists) found[name] = state.rule;
  }
  return found;
}

/** What every flag command route needs: the handler, the store (to read segments) and the clock. */
export interface FlagRouteDeps {
  commands: FlagCommands;
  store: EventStore;
  now: () => Date;
}

/** What the read routes need: the in-memory snapshot the evaluator also uses. */
export interface FlagReadDeps {
  snapshot: FlagSnapshot;
}

export const FlagKeyParams = z.strictObject({ key: z.string().min(1).max(128) });
export const ChangeReason = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .describe('Why: kept in the event, shown in the history.');

export const FlagView = schemaComponent(
  'Flag',
  z.object({
    key: z.string(),
    definition: FlagDefinition,
    offVariant: z.string(),
    killed: z.boolean(),
    revision: z.number().int(),
  }),
);
export type FlagView = z.infer<typeof FlagView>;

export function flagView(state: FlagAggregateState, revision: bigint): FlagView {
  if (!state.exists) throw new TypeError('flagView needs a flag');
  return {
    key: state.key,
    definition: state.definition,
    offVariant: state.offVariant,
    killed: state.killed,
    revision: Number(revision),
  };
}
