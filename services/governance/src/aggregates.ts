import {
  accessReviewEvents,
  deploymentPolicyEvents,
  type EventCatalogue,
  grantEvents,
  incidentEvents,
  noticeEvents,
  noticeTemplateEvents,
  retrospectiveEvents,
  rollbackDrillEvents,
  rotationEvents,
  serviceOwnershipEvents,
} from '@railyard/contracts';
import { accessProjection } from './access/access-projection.js';
import { accessReviewDecider } from './access/domain/access-review.decide.js';
import { grantDecider } from './access/domain/grant.decide.js';
import { noticeDecider, templateDecider } from './communications/domain/notice.decide.js';
import { drillDecider } from './drills/domain/drill.decide.js';
import { drillListProjection } from './drills/drill-list/projection.js';
import { incidentDecider } from './incidents/domain/incident.decide.js';
import { ownershipDecider } from './ownership/domain/ownership.decide.js';
import { policyDecider } from './policies/domain/policy.decide.js';
import { reportingProjection } from './reporting/reporting-projection.js';
import { retrospectiveActionsProjection } from './retrospectives/action-list/projection.js';
import { retrospectiveDecider } from './retrospectives/domain/retrospective.decide.js';
import { rotationDecider } from './rotations/domain/rotation.decide.js';

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
    category: 'grant',
    initialState: grantDecider.initialState,
    evolve: grantDecider.evolve,
    catalogue: grantEvents as unknown as EventCatalogue,
  },
  {
    category: 'accessReview',
    initialState: accessReviewDecider.initialState,
    evolve: accessReviewDecider.evolve,
    catalogue: accessReviewEvents as unknown as EventCatalogue,
  },
  { category: 'deploymentPolicy', ...policyDecider, catalogue: deploymentPolicyEvents as unknown as EventCatalogue },
  { category: 'retrospective', ...retrospectiveDecider, catalogue: retrospectiveEvents as unknown as EventCatalogue },
  { category: 'noticeTemplate', ...templateDecider, catalogue: noticeTemplateEvents as unknown as EventCatalogue },
  { category: 'notice', ...noticeDecider, catalogue: noticeEvents as unknown as EventCatalogue },
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

/** Governance's projections a rebuild can replay. */
export const governanceProjections = [
  reportingProjection,
  accessProjection,
  retrospectiveActionsProjection,
  drillListProjection,
] as const;
