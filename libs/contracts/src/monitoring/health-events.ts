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

export const deploymentWatchEvents = { RollbackTriggered } as const;
export const alertEvents = { AlertReceived, AlertCorrelated } as const;
export const anomalyEvents = { AnomalyOpened, AnomalyResolved, AnomalyEscalated } as const;

/** `deploymentWatch-<deploymentId>`: monitoring's view of one deployment. */
export const deploymentWatchStream = (deploymentId: string) => streamName('deploymentWatch', deploymentId);
/** `alert-<fingerprint>`. */
export const alertStream = (fingerprint: string) => streamName('alert', fingerprint);
/** `anomaly-<id>`. */
export const anomalyStream = (id: string) => streamName('anomaly', id);
