import { canaryJudgementEvents, deploymentWatchEvents, type EventCatalogue } from '@railyard/contracts';
import { canaryJudgementDecider } from './canary/domain/canary-judgement.js';
import { deploymentWatchDecider } from './rollback/domain/deployment-watch.js';

/** What the railyard CLI needs to replay monitoring's history: per stream category, the fold and the catalogue. */
export const monitoringAggregates = [
  {
    category: 'canaryJudgement',
    initialState: canaryJudgementDecider.initialState,
    evolve: canaryJudgementDecider.evolve,
    catalogue: canaryJudgementEvents as unknown as EventCatalogue,
  },
  {
    category: 'deploymentWatch',
    initialState: deploymentWatchDecider.initialState,
    evolve: deploymentWatchDecider.evolve,
    catalogue: deploymentWatchEvents as unknown as EventCatalogue,
  },
] as const;

/** Monitoring's projections a rebuild can replay (none yet: judgements are read from their streams). */
export const monitoringProjections = [] as const;
