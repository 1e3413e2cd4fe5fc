import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import type pg from 'pg';
import { createAccessReviewCommands, createGrantCommands } from './access/access-store.js';
import { registerAccessRoutes } from './access/routes.js';
import { createNoticeCommands, createTemplateCommands } from './communications/notice-store.js';
import { registerCommunicationRoutes } from './communications/routes.js';
import { registerDoraRoutes } from './dora/routes.js';
import { registerDrillRoutes } from './drills/routes.js';
import { createIncidentCommands, loadIncident } from './incidents/incident-commands.js';
import { registerIncidentRoutes } from './incidents/routes.js';
import { assignTeamRoute } from './ownership/assign-team/route.js';
import { createPolicyCommands, requireCheckWith } from './policies/policy-store.js';
import { registerPolicyRoutes } from './policies/routes.js';
import { createRetrospectiveCommands } from './retrospectives/retrospective-store.js';
import { registerRetrospectiveRoutes } from './retrospectives/routes.js';
import { registerRotationRoutes } from './rotations/routes.js';

export const SERVICE_NAME = 'governance';
export const SERVICE_VERSION = '0.1.0';

export interface GovernanceDeps extends Omit<AppDeps, 'serviceName' | 'version'> {
  store: EventStore;
  /** The service's database: the reporting facts the DORA figures and link checks read. */
  pool: pg.Pool;
  now?: () => Date;
  /** The access projection's runner (grants' ledger), for the grant list's lag headers. */
  accessRunner?: ProjectionRunner;
}

/** The governance service's HTTP API. Never listens: main() does, tests inject. */
export async function buildGovernanceApp(deps: GovernanceDeps): Promise<App> {
  const { store, pool, now = () => new Date(), accessRunner, ...kit } = deps;
  const app = await buildApp({ ...kit, serviceName: SERVICE_NAME, version: SERVICE_VERSION });
  await registerIncidentRoutes(app, { store, pool, commands: createIncidentCommands(store), now });
  await registerDoraRoutes(app, { pool, now });
  await app.register(assignTeamRoute, { store, now });
  const access = { grants: createGrantCommands(store), reviews: createAccessReviewCommands(store) };
  await registerAccessRoutes(app, { store, pool, now, ...access, runner: accessRunner });
  const policies = createPolicyCommands(store);
  await registerPolicyRoutes(app, { store, pool, commands: policies, now });
  await registerRetrospectiveRoutes(app, {
    store,
    pool,
    commands: createRetrospectiveCommands(store),
    requireCheck: requireCheckWith(store, policies),
    incidentExists: async (id) => (await loadIncident(store, id)).state.exists,
    now,
  });
  await registerCommunicationRoutes(app, {
    store,
    pool,
    notices: createNoticeCommands(store),
    templates: createTemplateCommands(store),
    incidentFacts: async (id) => {
      const { state: s } = await loadIncident(store, id);
      if (!s.exists) return undefined;
      const { incidentId, title, severity, service, environment, openedAt } = s;
      return { kind: 'incident', incidentId, title, severity, service, environment, openedAt };
    },
    now,
  });
  await registerDrillRoutes(app, { store, pool, now });
  await registerRotationRoutes(app, { store, pool, now });
  return app;
}
