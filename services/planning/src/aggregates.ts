import { type EventCatalogue, releaseEvents, releaseTrainEvents, riskPolicyEvents } from '@railyard/contracts';
import { releaseDecider } from './releases/domain/release.decide.js';
import { releaseBoardsProjection } from './releases/release-boards/projection.js';
import { releaseListProjection } from './releases/release-list/projection.js';
import { riskPolicyDecider } from './risk-policies/domain/risk-policy.js';
import { trainDecider } from './trains/domain/train.js';

/**
 * What tools outside the service (the railyard CLI, DESIGN §9 F1) need to replay planning's history: per stream
 * category, the decider's fold and the catalogue that upcasts stored events; and the projections a rebuild can replay.
 */
export const planningAggregates = [
  {
    category: 'release',
    initialState: releaseDecider.initialState,
    evolve: releaseDecider.evolve,
    catalogue: releaseEvents as unknown as EventCatalogue,
  },
  {
    category: 'releaseTrain',
    initialState: trainDecider.initialState,
    evolve: trainDecider.evolve,
    catalogue: releaseTrainEvents as unknown as EventCatalogue,
  },
  {
    category: 'riskPolicy',
    initialState: riskPolicyDecider.initialState,
    evolve: riskPolicyDecider.evolve,
    catalogue: riskPolicyEvents as unknown as EventCatalogue,
  },
] as const;

/**
 * The pure deciders the CLI's what-if replay (DESIGN §9 F3) re-runs over stored CAB rounds under a proposed risk
 * policy: the release decider re-decides submissions and votes, the risk-policy decider validates the proposal.
 */
export { releaseDecider, riskPolicyDecider };

/** Planning's projections, each with the name, schema, filter, fold and reset a rebuild needs. */
export const planningProjections = [releaseListProjection, releaseBoardsProjection] as const;
