import {
  accessReviewEvents,
  alertEvents,
  anomalyEvents,
  artifactEvents,
  bookingCalendarEvents,
  bundleEvents,
  type Category,
  canaryJudgementEvents,
  datasetEvents,
  deploymentCalendarEvents,
  deploymentEvents,
  deploymentWatchEvents,
  type EventCatalogue,
  environmentEvents,
  grantEvents,
  incidentEvents,
  journeyEvents,
  journeyRunEvents,
  performanceBaselineEvents,
  pipelineDefinitionEvents,
  pipelineRunEvents,
  quotaEvents,
  releaseEvents,
  releaseTrainEvents,
  riskPolicyEvents,
  rollbackDrillEvents,
  rolloutPlanEvents,
  rotationEvents,
  type ServiceName,
  securityPolicyEvents,
  serviceOwnershipEvents,
  serviceSchemaEvents,
  signingKeyEvents,
  windowOverrideEvents,
} from '@railyard/contracts';

/** One aggregate's events as the catalogue documents them: the owning service, the stream category, its events. */
export interface CatalogueEntry {
  service: ServiceName;
  category: Category;
  catalogue: EventCatalogue;
}

/**
 * Every event catalogue the docs cover, in the order docs/events.md lists them. A new service adds a line here
 * once its catalogue is exported from @railyard/contracts (and its category from CATEGORY_OWNERS).
 */
export const CATALOGUES: readonly CatalogueEntry[] = [
  { service: 'planning', category: 'release', catalogue: releaseEvents },
  { service: 'planning', category: 'releaseTrain', catalogue: releaseTrainEvents },
  { service: 'planning', category: 'riskPolicy', catalogue: riskPolicyEvents },
  { service: 'artifact', category: 'artifact', catalogue: artifactEvents },
  { service: 'artifact', category: 'bundle', catalogue: bundleEvents },
  { service: 'artifact', category: 'signingKey', catalogue: signingKeyEvents },
  { service: 'pipeline', category: 'pipelineDefinition', catalogue: pipelineDefinitionEvents },
  { service: 'pipeline', category: 'pipelineRun', catalogue: pipelineRunEvents },
  { service: 'pipeline', category: 'securityPolicy', catalogue: securityPolicyEvents },
  { service: 'pipeline', category: 'performanceBaseline', catalogue: performanceBaselineEvents },
  { service: 'orchestration', category: 'environment', catalogue: environmentEvents },
  { service: 'orchestration', category: 'bookingCalendar', catalogue: bookingCalendarEvents },
  { service: 'orchestration', category: 'dataset', catalogue: datasetEvents },
  { service: 'orchestration', category: 'quota', catalogue: quotaEvents },
  { service: 'orchestration', category: 'deploymentCalendar', catalogue: deploymentCalendarEvents },
  { service: 'orchestration', category: 'windowOverride', catalogue: windowOverrideEvents },
  { service: 'orchestration', category: 'deployment', catalogue: deploymentEvents },
  { service: 'orchestration', category: 'rolloutPlan', catalogue: rolloutPlanEvents },
  { service: 'orchestration', category: 'serviceSchema', catalogue: serviceSchemaEvents },
  { service: 'monitoring', category: 'canaryJudgement', catalogue: canaryJudgementEvents },
  { service: 'monitoring', category: 'deploymentWatch', catalogue: deploymentWatchEvents },
  { service: 'monitoring', category: 'alert', catalogue: alertEvents },
  { service: 'monitoring', category: 'anomaly', catalogue: anomalyEvents },
  { service: 'monitoring', category: 'journey', catalogue: journeyEvents },
  { service: 'monitoring', category: 'journeyRun', catalogue: journeyRunEvents },
  { service: 'governance', category: 'incident', catalogue: incidentEvents },
  { service: 'governance', category: 'serviceOwnership', catalogue: serviceOwnershipEvents },
  { service: 'governance', category: 'grant', catalogue: grantEvents },
  { service: 'governance', category: 'accessReview', catalogue: accessReviewEvents },
  { service: 'governance', category: 'rollbackDrill', catalogue: rollbackDrillEvents },
  { service: 'governance', category: 'rotation', catalogue: rotationEvents },
];
