import {
  deploymentPolicyEvents,
  type EventCatalogue,
  incidentEvents,
  noticeEvents,
  noticeTemplateEvents,
  retrospectiveEvents,
  serviceOwnershipEvents,
} from '@railyard/contracts';
import { noticeDecider, templateDecider } from './communications/domain/notice.decide.js';
import { incidentDecider } from './incidents/domain/incident.decide.js';
import { ownershipDecider } from './ownership/domain/ownership.decide.js';
import { policyDecider } from './policies/domain/policy.decide.js';
import { reportingProjection } from './reporting/reporting-projection.js';
import { retrospectiveActionsProjection } from './retrospectives/action-list/projection.js';
import { retrospectiveDecider } from './retrospectives/domain/retrospective.decide.js';

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
  { category: 'deploymentPolicy', ...policyDecider, catalogue: deploymentPolicyEvents as unknown as EventCatalogue },
  { category: 'retrospective', ...retrospectiveDecider, catalogue: retrospectiveEvents as unknown as EventCatalogue },
  { category: 'noticeTemplate', ...templateDecider, catalogue: noticeTemplateEvents as unknown as EventCatalogue },
  { category: 'notice', ...noticeDecider, catalogue: noticeEvents as unknown as EventCatalogue },
] as const;

/** Governance's projections a rebuild can replay: the whole `reporting` schema it fills. */
export const governanceProjections = [reportingProjection, retrospectiveActionsProjection] as const;
