import {
  type EventCatalogue,
  incidentEvents,
  rollbackDrillEvents,
  rotationEvents,
  serviceOwnershipEvents,
} from '@railyard/contracts';
import { drillDecider } from './drills/domain/drill.decide.js';
import { drillListProjection } from './drills/drill-list/projection.js';
import { incidentDecider } from './incidents/domain/incident.decide.js';
import { ownershipDecider } from './ownership/domain/ownership.decide.js';
import { reportingProjection } from './reporting/reporting-projection.js';
import { rotationDecider } from './rotations/domain/rotation.decide.js';
import { rotationGrantsProjection } from './rotations/rotation-eligibility.js';

/** What the railyard CLI needs to replay governance's history: per stream category, the fold and the catalogue. */
export const governanceAggregates = [
  {
    category: 'incident',
    initialState: incidentDecider.initialState,
    evolve: incidentDecider.evolve,
    catalogue: incidentEvents as unknown as EventCatalogue,
  },
  {
    category: 'serviceOwnership',
    initialState: ownershipDecider.initialState,
    evolve: ownershipDecider.evolve,
    catalogue: serviceOwnershipEvents as unknown as EventCatalogue,
  },
  {
    category: 'rollbackDrill',
    initialState: drillDecider.initialState,
    evolve: drillDecider.evolve,
    catalogue: rollbackDrillEvents as unknown as EventCatalogue,
  },
  {
    category: 'rotation',
    initialState: rotationDecider.initialState,
    evolve: rotationDecider.evolve,
    catalogue: rotationEvents as unknown as EventCatalogue,
  },
] as const;

/** Governance's projections a rebuild can replay: the whole `reporting` schema it fills. */
export const governanceProjections = [reportingProjection, drillListProjection, rotationGrantsProjection] as const;
