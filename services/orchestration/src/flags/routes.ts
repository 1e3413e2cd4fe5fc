import { type EventCatalogue, flagEvents, flagSegmentEvents } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import { changeFlagStateRoute } from './change-flag-state/route.js';
import { changeFlagTargetingRoute } from './change-flag-targeting/route.js';
import { changeFlagVariantsRoute } from './change-flag-variants/route.js';
import { defineFlagRoute } from './define-flag/route.js';
import { flagDecider } from './domain/flag.js';
import { segmentDecider } from './domain/segment.js';
import { createFlagCommands, createSegmentCommands } from './flag-commands.js';
import { flagHistoryRoute } from './flag-history/route.js';
import { flagListRoute } from './flag-list/route.js';
import type { FlagSnapshot } from './flag-snapshot.js';
import { getFlagRoute } from './get-flag/route.js';
import { killFlagRoute } from './kill-flag/route.js';
import { ofrepRoutes } from './ofrep/route.js';
import { putSegmentRoute } from './put-segment/route.js';
import { restoreFlagRoute } from './restore-flag/route.js';
import { segmentListRoute } from './segment-list/route.js';

export interface FlagCapabilityDeps {
  store: EventStore;
  snapshot: FlagSnapshot;
  now: () => Date;
}

/**
 * The feature-flag capability (O4): definitions and segments as event-sourced aggregates, OFREP evaluation from an
 * in-memory snapshot. Each slice gets only what it uses.
 */
export async function registerFlagRoutes(app: App, { store, snapshot, now }: FlagCapabilityDeps) {
  const commandDeps = { commands: createFlagCommands(store), store, now };
  for (const route of [
    defineFlagRoute,
    changeFlagTargetingRoute,
    changeFlagVariantsRoute,
    changeFlagStateRoute,
    killFlagRoute,
    restoreFlagRoute,
  ]) {
    await app.register(route, commandDeps);
  }
  await app.register(getFlagRoute, { store });
  await app.register(flagHistoryRoute, { store });
  await app.register(flagListRoute, { snapshot });
  await app.register(putSegmentRoute, { commands: createSegmentCommands(store), snapshot, now });
  await app.register(segmentListRoute, { snapshot });
  await app.register(ofrepRoutes, { snapshot });
}

/** For the railyard CLI (`state flag-<key> --at T`): the fold and catalogue of each flag category. */
export const flagAggregates = [
  {
    category: 'flag',
    initialState: flagDecider.initialState,
    evolve: flagDecider.evolve,
    catalogue: flagEvents as unknown as EventCatalogue,
  },
  {
    category: 'flagSegment',
    initialState: segmentDecider.initialState,
    evolve: segmentDecider.evolve,
    catalogue: flagSegmentEvents as unknown as EventCatalogue,
  },
];
