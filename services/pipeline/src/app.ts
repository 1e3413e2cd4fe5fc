import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type { PipelineDb } from './artifact-gates/artifact-gates.js';
import { artifactGatesRoute } from './artifact-gates/get-gates/route.js';
import type { PipelinePolicies } from './config.js';
import { createDefinitionCommands } from './definitions/definition-commands.js';
import { definitionRoutes } from './definitions/version-definition/route.js';
import { acceptReleaseRoutes } from './gates/accept-release/route.js';
import { createBaselineCommands, createSecurityPolicyCommands } from './gates/gate-commands.js';
import { securityPolicyRoutes } from './gates/security-policy/route.js';
import { createGrantLedger, kyselyGrantSql } from './grants/grant-ledger.js';
import { shardRoutes } from './matrix/shards/route.js';
import { approveRoute } from './runs/approve/route.js';
import { auditRoute } from './runs/audit/route.js';
import { cancelRunRoute } from './runs/cancel-run/route.js';
import { getRunRoute } from './runs/get-run/route.js';
import { createRunCommands } from './runs/run-commands.js';
import { runEvidenceRoutes } from './runs/run-evidence/route.js';
import type { RunListDb } from './runs/run-list/projection.js';
import { runListRoute } from './runs/run-list/route.js';
import { stageActionsRoute } from './runs/stage-actions/route.js';
import { startRunRoute } from './runs/start-run/route.js';

export const SERVICE_NAME = 'pipeline';
export const SERVICE_VERSION = '0.1.0';

export interface PipelineDeps extends Omit<AppDeps, 'serviceName' | 'version'> {
  store: EventStore;
  db: Kysely<PipelineDb>;
  runList: ProjectionRunner;
  policies: PipelinePolicies;
  now?: () => Date;
}

/** The pipeline service's HTTP API. Never listens: main() does, tests inject. */
export async function buildPipelineApp(deps: PipelineDeps): Promise<App> {
  const { store, db, runList, policies, now = () => new Date(), ...kit } = deps;
  const app = await buildApp({ ...kit, serviceName: SERVICE_NAME, version: SERVICE_VERSION });
  await app.register(definitionRoutes, { commands: createDefinitionCommands(store), store, now });
  const runs = { commands: createRunCommands(store), now };
  await app.register(startRunRoute, { ...runs, store, db, strategies: policies.strategies });
  await app.register(getRunRoute, { store });
  await app.register(runListRoute, { db: db as unknown as Kysely<RunListDb>, runner: runList });
  await app.register(stageActionsRoute, { ...runs, store, db, policies });
  // The ledger's tables are in this service's schema, kept by grantLedgerConsumers (runtime.ts).
  const grants = createGrantLedger(kyselyGrantSql(db as unknown as Kysely<unknown>));
  await app.register(approveRoute, { ...runs, store, grants });
  await app.register(cancelRunRoute, runs);
  await app.register(runEvidenceRoutes, runs);
  await app.register(shardRoutes, runs);
  await app.register(auditRoute, { store });
  await app.register(securityPolicyRoutes, { commands: createSecurityPolicyCommands(store), store, now });
  await app.register(acceptReleaseRoutes, { commands: createBaselineCommands(store), store, now });
  await app.register(artifactGatesRoute, { db });
  return app;
}
