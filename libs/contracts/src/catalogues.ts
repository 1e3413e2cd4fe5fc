import { artifactEvents } from './artifact/artifact-events.js';
import { bundleEvents } from './artifact/bundle-events.js';
import { signingKeyEvents } from './artifact/signing-key-events.js';
import type { EventCatalogue } from './envelope.js';
import { grantEvents } from './governance/access-events.js';
import { accessReviewEvents } from './governance/access-review-events.js';
import { noticeEvents, noticeTemplateEvents } from './governance/communication-events.js';
import { rollbackDrillEvents } from './governance/drill-events.js';
import { incidentEvents, serviceOwnershipEvents } from './governance/incident-events.js';
import { deploymentPolicyEvents } from './governance/policy-events.js';
import { retrospectiveEvents } from './governance/retrospective-events.js';
import { rotationEvents } from './governance/rotation-events.js';
import { canaryJudgementEvents } from './monitoring/canary-events.js';
import { alertEvents, anomalyEvents, deploymentWatchEvents } from './monitoring/health-events.js';
import { journeyEvents, journeyRunEvents } from './monitoring/journey-events.js';
import { bookingCalendarEvents } from './orchestration/booking-events.js';
import { datasetEvents } from './orchestration/dataset-events.js';
import { deploymentEvents } from './orchestration/deployment-events.js';
import { environmentEvents } from './orchestration/environment-events.js';
import { flagEvents, flagSegmentEvents } from './orchestration/flag-events.js';
import { rolloutPlanEvents, serviceSchemaEvents } from './orchestration/plan-events.js';
import { quotaEvents } from './orchestration/quota-events.js';
import { deploymentCalendarEvents, windowOverrideEvents } from './orchestration/window-events.js';
import { pipelineDefinitionEvents } from './pipeline/definition-events.js';
import { performanceBaselineEvents, securityPolicyEvents } from './pipeline/gate-events.js';
import { pipelineRunEvents } from './pipeline/run-events.js';
import { releaseEvents } from './planning/release-events.js';
import { riskPolicyEvents } from './planning/risk-policy-events.js';
import { releaseTrainEvents } from './planning/train-events.js';
import { CATEGORY_OWNERS, type Category, type ServiceName } from './streams.js';

/**
 * The event catalogue of every stream category: the one place, beside CATEGORY_OWNERS (streams.ts), that says
 * which events a category's streams hold. The docs' event catalogue and the CLI's replay read it from here.
 * `satisfies` makes a category of CATEGORY_OWNERS without a line here a compile error (and a line without an owner
 * too). A new category: one line in CATEGORY_OWNERS, one line here, one fold in its service's aggregates.ts.
 * (Its own module, not streams.ts: the event modules import streams.ts, and this one imports them.)
 */
export const CATEGORY_CATALOGUES = {
  release: releaseEvents,
  releaseTrain: releaseTrainEvents,
  riskPolicy: riskPolicyEvents,
  artifact: artifactEvents,
  bundle: bundleEvents,
  signingKey: signingKeyEvents,
  pipelineDefinition: pipelineDefinitionEvents,
  pipelineRun: pipelineRunEvents,
  securityPolicy: securityPolicyEvents,
  performanceBaseline: performanceBaselineEvents,
  environment: environmentEvents,
  bookingCalendar: bookingCalendarEvents,
  dataset: datasetEvents,
  quota: quotaEvents,
  deploymentCalendar: deploymentCalendarEvents,
  windowOverride: windowOverrideEvents,
  flag: flagEvents,
  flagSegment: flagSegmentEvents,
  deployment: deploymentEvents,
  rolloutPlan: rolloutPlanEvents,
  serviceSchema: serviceSchemaEvents,
  canaryJudgement: canaryJudgementEvents,
  deploymentWatch: deploymentWatchEvents,
  alert: alertEvents,
  anomaly: anomalyEvents,
  journey: journeyEvents,
  journeyRun: journeyRunEvents,
  incident: incidentEvents,
  serviceOwnership: serviceOwnershipEvents,
  grant: grantEvents,
  rollbackDrill: rollbackDrillEvents,
  rotation: rotationEvents,
  accessReview: accessReviewEvents,
  deploymentPolicy: deploymentPolicyEvents,
  retrospective: retrospectiveEvents,
  noticeTemplate: noticeTemplateEvents,
  notice: noticeEvents,
} as const satisfies { [C in Category]: EventCatalogue };

/** One stream category with its owning service and its event catalogue. */
export interface CategoryEntry {
  category: Category;
  owner: ServiceName;
  catalogue: EventCatalogue;
}

/** Every category with its owner and catalogue, in CATEGORY_OWNERS's order (grouped by service). */
export const CATEGORIES: readonly CategoryEntry[] = (Object.keys(CATEGORY_OWNERS) as Category[]).map((category) => ({
  category,
  owner: CATEGORY_OWNERS[category],
  catalogue: CATEGORY_CATALOGUES[category],
}));
