import {
  type EventCatalogue,
  notFound,
  PipelineErrorCodes,
  performanceBaselineEvents,
  pipelineDefinitionEvents,
  pipelineRunEvents,
  securityPolicyEvents,
  streamName,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { Kysely } from 'kysely';
import { v5 as uuidv5 } from 'uuid';
import type { PipelineDb } from './artifact-gates/artifact-gates.js';
import { definitionDecider } from './definitions/domain/definition.decide.js';
import { baselineDecider } from './gates/domain/baseline.decide.js';
import type { PerformanceThresholds } from './gates/domain/performance-gate.js';
import { securityPolicyDecider } from './gates/domain/security-policy.decide.js';
import type { GrantLedger } from './grants/grant-ledger.js';
import { runDecider } from './runs/domain/run.decide.js';
import type { ActiveRun } from './runs/domain/run.js';
import type { StrategyPolicy } from './strategy/domain/strategy.js';

// Name-based ids (RFC 9562 v5): a service's definition and baseline, and a policy name, always address one stream.
const DEFINITION_NAMESPACE = '4a0e7c52-93b1-4c55-8f0e-5a1d2c3b4e01';
const POLICY_NAMESPACE = '4a0e7c52-93b1-4c55-8f0e-5a1d2c3b4e02';
const BASELINE_NAMESPACE = '4a0e7c52-93b1-4c55-8f0e-5a1d2c3b4e03';

export const definitionIdOf = (service: string) => uuidv5(service, DEFINITION_NAMESPACE);
export const policyIdOf = (name: string) => uuidv5(name, POLICY_NAMESPACE);
export const baselineIdOf = (service: string) => uuidv5(service, BASELINE_NAMESPACE);
export const definitionStream = (service: string) => streamName('pipelineDefinition', definitionIdOf(service));
export const policyStream = (name: string) => streamName('securityPolicy', policyIdOf(name));
export const baselineStream = (service: string) => streamName('performanceBaseline', baselineIdOf(service));
export const runStream = (runId: string) => streamName('pipelineRun', runId);

const catalogue = <T>(events: T) => events as unknown as EventCatalogue;

/** The policies the service runs under, from configuration. */
export interface PipelinePolicies {
  strategies: StrategyPolicy;
  performance: { environments: string[]; thresholds: PerformanceThresholds };
  /** Environments whose promotion needs a signed artifact (from the artifact service's events). */
  signatureRequiredIn: string[];
}

/** The command handlers of the service's four aggregates. */
export function createPipelineCommands(store: EventStore) {
  return {
    definitions: createCommandHandler({
      store,
      decider: definitionDecider,
      catalogue: catalogue(pipelineDefinitionEvents),
    }),
    runs: createCommandHandler({ store, decider: runDecider, catalogue: catalogue(pipelineRunEvents) }),
    policies: createCommandHandler({
      store,
      decider: securityPolicyDecider,
      catalogue: catalogue(securityPolicyEvents),
    }),
    baselines: createCommandHandler({
      store,
      decider: baselineDecider,
      catalogue: catalogue(performanceBaselineEvents),
    }),
  };
}
export type PipelineCommands = ReturnType<typeof createPipelineCommands>;

/** What every route plugin of the service receives from the composition root. */
export interface PipelineRouteDeps {
  store: EventStore;
  commands: PipelineCommands;
  db: Kysely<PipelineDb>;
  /** The run-list projection, for lag headers on GET /runs. */
  runList: ProjectionRunner;
  policies: PipelinePolicies;
  /** Governance's grants as this service learnt them (approvals into prod-tier environments need `approve`). */
  grants: GrantLedger;
  now: () => Date;
}

export async function loadRun(store: EventStore, runId: string): Promise<{ run: ActiveRun; revision: bigint }> {
  const loaded = await loadAggregate(store, runDecider, catalogue(pipelineRunEvents), runStream(runId));
  if (!loaded.state.exists) throw notFound(PipelineErrorCodes.RUN_NOT_FOUND, `No run ${runId}.`);
  return { run: loaded.state, revision: loaded.revision };
}

export async function loadDefinition(store: EventStore, service: string) {
  const loaded = await loadAggregate(
    store,
    definitionDecider,
    catalogue(pipelineDefinitionEvents),
    definitionStream(service),
  );
  if (!loaded.state.exists) {
    throw notFound(PipelineErrorCodes.DEFINITION_NOT_FOUND, `No pipeline definition for ${service}.`);
  }
  return { definition: loaded.state, revision: loaded.revision };
}

export async function loadPolicy(store: EventStore, name: string) {
  return (await loadAggregate(store, securityPolicyDecider, catalogue(securityPolicyEvents), policyStream(name))).state;
}

export async function loadBaseline(store: EventStore, service: string) {
  return (await loadAggregate(store, baselineDecider, catalogue(performanceBaselineEvents), baselineStream(service)))
    .state;
}
