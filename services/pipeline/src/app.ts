import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type { PipelineDb } from './artifact-gates/artifact-gates.js';
import { artifactGatesRoute } from './artifact-gates/get-gates/route.js';
import { definitionRoutes } from './definitions/version-definition/route.js';
import { acceptReleaseRoutes } from './gates/accept-release/route.js';
import { securityPolicyRoutes } from './gates/security-policy/route.js';
import { createGrantLedger, kyselyGrantSql } from './grants/grant-ledger.js';
import { shardRoutes } from './matrix/shards/route.js';
import { createPipelineCommands, type PipelinePolicies, type PipelineRouteDeps } from './pipeline-commands.js';
import { approveRoute } from './runs/approve/route.js';
import { auditRoute } from './runs/audit/route.js';
import { cancelRunRoute } from './runs/cancel-run/route.js';
import { getRunRoute } from './runs/get-run/route.js';
import { runEvidenceRoutes } from './runs/run-evidence/route.js';
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
  const routeDeps: PipelineRouteDeps = {
    store,
    commands: createPipelineCommands(store),
    db,
    runList,
    policies,
    // The ledger's tables are in this service's schema, kept by grantLedgerConsumers (runtime.ts).
    grants: createGrantLedger(kyselyGrantSql(db as unknown as Kysely<unknown>)),
    now,
  };
  await app.register(definitionRoutes, routeDeps);
  await app.register(startRunRoute, routeDeps);
  await app.register(getRunRoute, routeDeps);
  await app.register(runListRoute, routeDeps);
  await app.register(stageActionsRoute, routeDeps);
  await app.register(approveRoute, routeDeps);
  await app.register(cancelRunRoute, routeDeps);
  await app.register(runEvidenceRoutes, routeDeps);
  await app.register(shardRoutes, routeDeps);
  await app.register(auditRoute, routeDeps);
  await app.register(securityPolicyRoutes, routeDeps);
  await app.register(acceptReleaseRoutes, routeDeps);
  await app.register(artifactGatesRoute, routeDeps);
  return app;
}
