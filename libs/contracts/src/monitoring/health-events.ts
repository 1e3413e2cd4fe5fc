import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { EnvironmentName, ServiceNameSchema } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';

/**
 * What monitoring tells the other services about a deployment's health. Three aggregates:
 * - `deploymentWatch-<deploymentId>`: analysis of one deployment, and at most one `RollbackTriggered` (M6), which
 *   orchestration's `orchestration--rollback-triggers` consumes;
 * - `alert-<fingerprint>`: alerts received (M2) and their correlation with deployments;
 * - `anomaly-<id>`: an anomaly, its resolution, and its escalation to a pager (M7), which governance's incidents
 *   consume.
 * Monitoring adds its internal events (analysis runs, journeys, health checks) to these catalogues.
 */

const deploymentId = z.uuid();
const reason = z.string().max(2000);
const at = z.iso.datetime({ offset: true });

export const SampleSummary = z.strictObject({
  count: z.number().int().min(0),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  last: z.number().nullable(),
});
export type SampleSummary = z.infer<typeof SampleSummary>;

export const RollbackTriggered = defineEvent(
  'RollbackTriggered',
  z.strictObject({
    deploymentId,
    releaseId: z.uuid().nullable(),
    service: ServiceNameSchema,
    environment: EnvironmentName,
    criterion: z.strictObject({
      kind: z.enum(['error-rate', 'latency', 'health-check', 'data-integrity', 'canary']),
      metric: z.string().min(1).max(200),
      threshold: z.number(),
      windowSeconds: z.number().int().min(0),
    }),
    observed: z.strictObject({ value: z.number().nullable(), samples: SampleSummary }),
    judgementId: z.uuid().nullable().describe('The canary judgement behind it, when one was made.'),
    firstBadSampleAt: at.nullable(),
    reason,
  }),
  "The release's rollback criteria were breached for a deployment: the evidence. At most one per deployment.",
);

export const AlertLabels = z.record(z.string().min(1).max(200), z.string().max(2000));

export const AlertReceived = defineEvent(
  'AlertReceived',
  z.strictObject({
    fingerprint: z.string().min(1).max(200),
    status: z.enum(['firing', 'resolved']),
    source: z.enum(['alertmanager', 'generic']),
    labels: AlertLabels,
    annotations: AlertLabels,
    startsAt: at,
    endsAt: at.nullable(),
    service: ServiceNameSchema.nullable(),
    environment: EnvironmentName.nullable(),
  }),
  'An alert arrived (deduplicated by fingerprint and status).',
);
export const AlertCorrelated = defineEvent(
  'AlertCorrelated',
  z.strictObject({
    fingerprint: z.string().min(1).max(200),
    status: z.enum(['firing', 'resolved']),
    deploymentId: deploymentId.nullable(),
    relation: z.enum(['same-service', 'dependency', 'none-in-window']),
    windowMinutes: z.number().int().min(1),
    reason,
  }),
  'The alert was linked to a deployment of its service or of a service it depends on, or to none in the window.',
);

export const AnomalyOpened = defineEvent(
  'AnomalyOpened',
  z.strictObject({
    anomalyId: z.uuid(),
    source: z.enum(['alert', 'analysis', 'journey', 'health-check', 'rollback']),
    service: ServiceNameSchema,
    environment: EnvironmentName.nullable(),
    deploymentId: deploymentId.nullable(),
    releaseId: z.uuid().nullable(),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    summary: z.string().min(1).max(1024),
    openedAt: at,
  }),
  'Something is wrong and not yet resolved.',
);
export const AnomalyResolved = defineEvent(
  'AnomalyResolved',
  z.strictObject({ anomalyId: z.uuid(), resolvedAt: at, reason }),
  'The anomaly cleared.',
);
export const AnomalyEscalated = defineEvent(
  'AnomalyEscalated',
  z.strictObject({
    anomalyId: z.uuid(),
    dedupKey: z.string().min(1).max(255),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    summary: z.string().min(1).max(1024),
    service: ServiceNameSchema,
    environment: EnvironmentName.nullable(),
    deploymentId: deploymentId.nullable(),
    releaseId: z.uuid().nullable(),
    lead: z.string().max(200).nullable(),
    sentTo: z.string().max(2000).describe('The URL the PagerDuty Events v2 trigger was sent to.'),
    attempts: z.number().int().min(1),
    responseStatus: z.number().int().nullable(),
    escalatedAt: at,
  }),
  'An anomaly stayed unresolved past its time and was sent as a PagerDuty Events v2 trigger; governance opens an incident.',
);

/**
 * Analysis runs (M6), as Argo Rollouts' AnalysisRun: `count` measurements `intervalSeconds` apart; a metric fails
 * when its failed measurements exceed `failureLimit`, is inconclusive past `inconclusiveLimit`, errs past
 * `consecutiveErrorLimit` consecutive errors. Nodata is a verdict of its own and never counts as bad.
 */
export const AnalysisTemplate = z.strictObject({
  count: z.number().int().min(1).max(10_000),
  intervalSeconds: z.number().int().min(1).max(86_400),
  failureLimit: z.number().int().min(0).max(1000),
  inconclusiveLimit: z.number().int().min(0).max(1000),
  consecutiveErrorLimit: z.number().int().min(0).max(1000),
  shadow: z.boolean().describe('Record what would have been triggered, trigger nothing.'),
});
export type AnalysisTemplate = z.infer<typeof AnalysisTemplate>;

export const AnalysisMetricKind = z.enum(['error-rate', 'latency', 'health-check', 'data-integrity', 'canary']);
export const AnalysisMetricSpec = z.strictObject({
  metric: z.string().min(1).max(200),
  kind: AnalysisMetricKind,
  threshold: z.number(),
  windowSeconds: z.number().int().min(0),
  percentile: z.number().min(50).max(100).nullable(),
});
export type AnalysisMetricSpec = z.infer<typeof AnalysisMetricSpec>;

export const MeasurementPhase = z.enum(['Successful', 'Inconclusive', 'Error', 'Failed', 'Nodata']);
export const AnalysisPhase = z.enum(['Successful', 'Inconclusive', 'Error', 'Failed', 'Nodata']);

export const Measurement = z.strictObject({
  metric: z.string().min(1).max(200),
  kind: AnalysisMetricKind,
  phase: MeasurementPhase,
  value: z.number().nullable(),
  threshold: z.number(),
  windowSeconds: z.number().int().min(0),
  samples: SampleSummary,
  firstBadSampleAt: at.nullable(),
  judgementId: z.uuid().nullable(),
  message: z.string().max(2000),
});
export type Measurement = z.infer<typeof Measurement>;

export const AnalysisRunStarted = defineEvent(
  'AnalysisRunStarted',
  z.strictObject({
    deploymentId,
    runId: z.uuid(),
    releaseId: z.uuid().nullable(),
    service: ServiceNameSchema,
    environment: EnvironmentName,
    version: z.string().min(1).max(256),
    baselineVersion: z.string().min(1).max(256).nullable(),
    template: AnalysisTemplate,
    metrics: z.array(AnalysisMetricSpec).min(1).max(100),
    startedAt: at,
  }),
  "An analysis run of a deployment began, against the release's rollback criteria for its service.",
);
export const AnalysisMeasured = defineEvent(
  'AnalysisMeasured',
  z.strictObject({
    deploymentId,
    runId: z.uuid(),
    index: z.number().int().min(0),
    measuredAt: at,
    measurements: z.array(Measurement).min(1).max(100),
  }),
  "One measurement of every metric of a run, with each metric's phase and the samples it saw.",
);
export const AnalysisMetricResult = z.strictObject({
  metric: z.string().min(1).max(200),
  phase: AnalysisPhase,
  measured: z.number().int().min(0),
  failed: z.number().int().min(0),
  inconclusive: z.number().int().min(0),
  errors: z.number().int().min(0),
  nodata: z.number().int().min(0),
  consecutiveErrors: z.number().int().min(0),
});
export const AnalysisRunCompleted = defineEvent(
  'AnalysisRunCompleted',
  z.strictObject({
    deploymentId,
    runId: z.uuid(),
    phase: AnalysisPhase,
    metrics: z.array(AnalysisMetricResult).min(1).max(100),
    completedAt: at,
    reason,
  }),
  'The run ended: the worst metric decides (Successful < Inconclusive < Error < Failed); Nodata only when no metric had data.',
);
export const RollbackShadowed = defineEvent(
  'RollbackShadowed',
  RollbackTriggered.schema,
  'Shadow mode: the criteria were breached and this RollbackTriggered would have been raised, but was not.',
);

export const DependentHealthChecked = defineEvent(
  'DependentHealthChecked',
  z.strictObject({
    deploymentId,
    checkId: z.uuid(),
    service: ServiceNameSchema.describe('The service deployed.'),
    environment: EnvironmentName,
    dependent: ServiceNameSchema.describe('A service that depends on it (consumes an API it provides).'),
    url: z.string().max(2000),
    healthy: z.boolean(),
    status: z.number().int().nullable(),
    latencyMs: z.number().min(0).nullable(),
    message: z.string().max(2000),
  }),
  'After a deploy, the health endpoint of a service that depends on the deployed one (M3).',
);

export const deploymentWatchEvents = {
  RollbackTriggered,
  AnalysisRunStarted,
  AnalysisMeasured,
  AnalysisRunCompleted,
  RollbackShadowed,
  DependentHealthChecked,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type DeploymentWatchEvent = {
  [K in keyof typeof deploymentWatchEvents]: { type: K; data: DataOf<(typeof deploymentWatchEvents)[K]> };
}[keyof typeof deploymentWatchEvents];
export const alertEvents = { AlertReceived, AlertCorrelated } as const;
export const anomalyEvents = { AnomalyOpened, AnomalyResolved, AnomalyEscalated } as const;

/** `deploymentWatch-<deploymentId>`: monitoring's view of one deployment. */
export const deploymentWatchStream = (deploymentId: string) => streamName('deploymentWatch', deploymentId);
/** `alert-<fingerprint>`. */
export const alertStream = (fingerprint: string) => streamName('alert', fingerprint);
/** `anomaly-<id>`. */
export const anomalyStream = (id: string) => streamName('anomaly', id);
