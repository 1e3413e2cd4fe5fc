import type { DurableConsumer, Relay } from '@railyard/messaging';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App, ServiceRuntimeBase } from '@railyard/service-kit';
import { startServiceRuntime } from '@railyard/service-kit/backbone';
import { grantLedgerConsumers } from '@railyard/service-kit/grants';
import type { Kysely } from 'kysely';
import { pipelineMigrations } from '../migrations/index.js';
import { buildPipelineApp } from './app.js';
import type { PipelineDb } from './artifact-gates/artifact-gates.js';
import { createArtifactGatesConsumer } from './artifact-gates/consumer.js';
import type { PipelinePolicies } from './config.js';
import { createDeploymentOutcomesConsumer } from './runs/deployment-outcomes/consumer.js';
import { createRunCommands } from './runs/run-commands.js';
import { runListProjection } from './runs/run-list/projection.js';

export interface PipelineRuntimeOptions extends ServiceRuntimeBase {
  policies: PipelinePolicies;
}

export interface PipelineRuntime {
  app: App;
  db: Kysely<PipelineDb>;
  runList: ProjectionRunner;
  relay?: Relay;
  artifactGates?: DurableConsumer;
  deploymentOutcomes?: DurableConsumer;
  /** `pipeline--grants` and `pipeline--environment-tiers` (the grant ledger). */
  grantLedger: DurableConsumer[];
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * The pipeline service's moving parts, wired by the kit's runtime for main() and the integration tests: its schema,
 * the run-list projection, the durable consumers of artifact events (`pipeline--artifact-gates`) and of deployment
 * outcomes (`pipeline--deployment-outcomes`), the grant ledger's two (`pipeline--grants`,
 * `pipeline--environment-tiers`), and the HTTP app (the relay, sealer and gauges come with the kit).
 */
export async function startPipelineRuntime(options: PipelineRuntimeOptions): Promise<PipelineRuntime> {
  const runtime = await startServiceRuntime<PipelineDb, 'runList'>({
    ...options,
    service: 'pipeline',
    migrations: pipelineMigrations,
    projections: { runList: runListProjection },
    consumers: ({ js, jsm, stream, subjectPrefix }, { store, pool, logger }) => [
      createArtifactGatesConsumer({ store, js, jsm, pool, stream, subjectPrefix, logger }),
      createDeploymentOutcomesConsumer({
        store,
        commands: createRunCommands(store),
        js,
        jsm,
        pool,
        stream,
        subjectPrefix,
        logger,
      }),
      // `pipeline--grants` and `pipeline--environment-tiers`: the grant ledger approvals into prod are checked on.
      ...grantLedgerConsumers({
        service: 'pipeline',
        schema: 'pipeline',
        store,
        js,
        jsm,
        pool,
        stream,
        subjectPrefix,
        logger,
      }),
    ],
    buildApp: ({ store, db, projections, now, kit }) =>
      buildPipelineApp({ ...kit, store, db, runList: projections.runList, policies: options.policies, now }),
  });
  const [artifactGates, deploymentOutcomes, ...grantLedger] = runtime.consumers;
  return { ...runtime, runList: runtime.projections.runList, artifactGates, deploymentOutcomes, grantLedger };
}
