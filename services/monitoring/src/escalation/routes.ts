import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import { createAnomalyCommands } from './anomaly-commands.js';
import { getAnomalyRoute } from './get-anomaly/route.js';
import { openAnomalyRoute } from './open-anomaly/route.js';
import { resolveAnomalyRoute } from './resolve-anomaly/route.js';

/** The escalation capability (M7): anomalies, their resolution, and their escalation to a pager. */
export async function registerEscalationRoutes(app: App, deps: { store: EventStore; now: () => Date }) {
  const commands = createAnomalyCommands(deps.store);
  await app.register(openAnomalyRoute, { commands, now: deps.now });
  await app.register(resolveAnomalyRoute, { commands, now: deps.now });
  await app.register(getAnomalyRoute, { store: deps.store });
}
