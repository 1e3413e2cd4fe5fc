import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App } from '@railyard/service-kit';
import { addWindowRoute } from './add-window/route.js';
import { createCalendarCommands, createOverrideCommands } from './calendar-store.js';
import { type CheckWindowDeps, checkWindowRoute } from './check-window/route.js';
import { createCalendarRoute } from './create-calendar/route.js';
import type { WindowInputsReader } from './domain/window-check.js';
import { getCalendarRoute } from './get-calendar/route.js';
import { grantOverrideRoute } from './grant-override/route.js';
import { removeWindowRoute } from './remove-window/route.js';

/** The windows capability (O3): calendars, windows, the check and emergency overrides. */
export async function registerWindowRoutes(
  app: App,
  deps: {
    store: EventStore;
    runner: ProjectionRunner;
    now: () => Date;
    readWindows: WindowInputsReader;
    environmentFacts: CheckWindowDeps['environmentFacts'];
  },
) {
  const { store, now } = deps;
  const commands = createCalendarCommands(store);
  await app.register(createCalendarRoute, { commands, now });
  await app.register(addWindowRoute, { commands, now });
  await app.register(removeWindowRoute, { commands, now });
  await app.register(getCalendarRoute, { store });
  await app.register(grantOverrideRoute, { commands: createOverrideCommands(store), now });
  await app.register(checkWindowRoute, {
    store,
    runner: deps.runner,
    now,
    readWindows: deps.readWindows,
    environmentFacts: deps.environmentFacts,
  });
}
