import {
  type EventCatalogue,
  performanceBaselineEvents,
  pipelineDefinitionEvents,
  pipelineRunEvents,
  securityPolicyEvents,
} from '@railyard/contracts';
import { definitionDecider } from './definitions/domain/definition.decide.js';
import { baselineDecider } from './gates/domain/baseline.decide.js';
import { securityPolicyDecider } from './gates/domain/security-policy.decide.js';
import { evolveRun, initialRunState } from './runs/domain/run.js';
import { runListProjection } from './runs/run-list/projection.js';

/**
 * What tools outside the service (the railyard CLI, DESIGN §9 F1) need to replay pipeline's history: per stream
 * category, the decider's fold and the catalogue that upcasts stored events; and the projections a rebuild can replay.
 */
export const pipelineAggregates = [
  {
    category: 'pipelineDefinition',
    initialState: definitionDecider.initialState,
    evolve: definitionDecider.evolve,
    catalogue: pipelineDefinitionEvents as unknown as EventCatalogue,
  },
  {
    category: 'pipelineRun',
    initialState: initialRunState,
    evolve: evolveRun,
    catalogue: pipelineRunEvents as unknown as EventCatalogue,
  },
  {
    category: 'securityPolicy',
    initialState: securityPolicyDecider.initialState,
    evolve: securityPolicyDecider.evolve,
    catalogue: securityPolicyEvents as unknown as EventCatalogue,
  },
  {
    category: 'performanceBaseline',
    initialState: baselineDecider.initialState,
    evolve: baselineDecider.evolve,
    catalogue: performanceBaselineEvents as unknown as EventCatalogue,
  },
] as const;

/**
 * The pure gate logic the CLI's what-if replay (DESIGN §9 F3) re-runs over stored runs under a proposed security
 * policy: the same functions a promotion uses, so a replay cannot drift from what the service would decide.
 */
export { evaluateSecurityGate, runFindings } from './gates/domain/security-gate.js';
export { securityPolicyDecider } from './gates/domain/security-policy.decide.js';
export { evolveRun, initialRunState } from './runs/domain/run.js';

/** Pipeline's projections, each with the name, schema, filter, fold and reset a rebuild needs. */
export const pipelineProjections = [runListProjection] as const;
