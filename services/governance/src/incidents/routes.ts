import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import type pg from 'pg';
import { classifyIncidentRoute } from './classify-incident/route.js';
import { getIncidentRoute } from './get-incident/route.js';
import type { IncidentCommands } from './incident-commands.js';
import { linkDeploymentRoute } from './link-deployment/route.js';
import { openIncidentRoute } from './open-incident/route.js';
import { reopenIncidentRoute } from './reopen-incident/route.js';
import { resolveIncidentRoute } from './resolve-incident/route.js';
import { systemicGapsRoute } from './systemic-gaps/route.js';

/** The incidents capability (G4): open, classify, link, resolve, reopen; the systemic-gap report. */
export async function registerIncidentRoutes(
  app: App,
  deps: { store: EventStore; pool: pg.Pool; commands: IncidentCommands; now: () => Date },
) {
  const { commands, now } = deps;
  await app.register(openIncidentRoute, { commands, now });
  // Before /incidents/:id, so the report's path is not read as an id.
  await app.register(systemicGapsRoute, { pool: deps.pool });
  await app.register(getIncidentRoute, { store: deps.store });
  await app.register(classifyIncidentRoute, { commands, now });
  await app.register(linkDeploymentRoute, { commands, pool: deps.pool, now });
  await app.register(resolveIncidentRoute, { commands, now });
  await app.register(reopenIncidentRoute, { commands, now });
}
