import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import { defineJourneyRoute } from './define-journey/route.js';
import { createJourneyCommands } from './journey-commands.js';
import { runJourneyRoute } from './run-journey/route.js';

/** The journeys capability (M1): multi-step HTTP checks with extraction and assertions. */
export async function registerJourneyRoutes(app: App, deps: { store: EventStore; now: () => Date }) {
  await app.register(defineJourneyRoute, { commands: createJourneyCommands(deps.store), now: deps.now });
  await app.register(runJourneyRoute, deps);
}
