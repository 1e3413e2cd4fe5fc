import {
  alertEvents,
  anomalyEvents,
  canaryJudgementEvents,
  deploymentWatchEvents,
  type EventCatalogue,
  journeyEvents,
  journeyRunEvents,
} from '@railyard/contracts';
import { alertDecider } from './alerts/domain/alert.js';
import { canaryJudgementDecider } from './canary/domain/canary-judgement.js';
import { anomalyListProjection } from './escalation/anomaly-list/projection.js';
import { anomalyDecider } from './escalation/domain/anomaly.js';
import { journeyDecider } from './journeys/domain/journey.js';
import { journeyIndexProjection } from './journeys/journey-index/projection.js';
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
  {
    category: 'alert',
    initialState: alertDecider.initialState,
    evolve: alertDecider.evolve,
    catalogue: alertEvents as unknown as EventCatalogue,
  },
  {
    category: 'anomaly',
    initialState: anomalyDecider.initialState,
    evolve: anomalyDecider.evolve,
    catalogue: anomalyEvents as unknown as EventCatalogue,
  },
  {
    category: 'journey',
    initialState: journeyDecider.initialState,
    evolve: journeyDecider.evolve,
    catalogue: journeyEvents as unknown as EventCatalogue,
  },
  {
    // A run is its step results, in order, then its outcome.
    category: 'journeyRun',
    initialState: { steps: [] as unknown[], completed: null as unknown },
    evolve: (state: { steps: unknown[]; completed: unknown }, event: { type: string; data: unknown }) =>
      event.type === 'JourneyStepChecked'
        ? { ...state, steps: [...state.steps, event.data] }
        : { ...state, completed: event.data },
    catalogue: journeyRunEvents as unknown as EventCatalogue,
  },
] as const;

/** Monitoring's projections a rebuild can replay (judgements, watches and alerts are read from their streams). */
export const monitoringProjections = [anomalyListProjection, journeyIndexProjection] as const;
