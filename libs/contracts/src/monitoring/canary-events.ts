import { z } from 'zod';
import { defineEvent } from '../envelope.js';

/**
 * Canary judgement (M5): the input of a Kayenta-style judgement and its result, kept together in one event so a
 * judgement can be re-judged from the log alone. Stream `canaryJudgement-<id>`, owned by monitoring.
 */

/** A sample value; `null` is a missing sample (JSON has no NaN), handled by the metric's `nanStrategy`. */
const Sample = z.number().nullable();
const Samples = z.array(Sample).max(50_000);

export const CanaryMetricInput = z.strictObject({
  name: z.string().min(1).max(200),
  baseline: Samples,
  canary: Samples,
  direction: z.enum(['increase', 'decrease', 'either']).optional().describe('Which way is bad (default either).'),
  critical: z.boolean().optional().describe('A critical metric that fails zeroes the score.'),
  mustHaveData: z
    .boolean()
    .optional()
    .describe('No data fails the metric (NodataFailMetric) instead of leaving it out.'),
  effectSize: z
    .strictObject({
      allowedIncrease: z.number().positive().optional(),
      allowedDecrease: z.number().positive().optional(),
      criticalIncrease: z.number().positive().optional(),
      criticalDecrease: z.number().positive().optional(),
    })
    .optional()
    .describe('Thresholds on mean(canary)/mean(baseline); each defaults to 1.'),
  nanStrategy: z.enum(['remove', 'replace']).optional().describe('Missing samples: removed (default) or counted as 0.'),
  outliers: z
    .strictObject({ strategy: z.enum(['keep', 'remove']), factor: z.number().positive().max(100).optional() })
    .optional()
    .describe('remove: drop values beyond factor (default 3) IQRs from the quartiles.'),
  group: z.string().min(1).max(100).optional().describe('The group the metric scores in (default "default").'),
});

export const CanaryJudgeInput = z.strictObject({
  metrics: z.array(CanaryMetricInput).min(1).max(200),
  groups: z
    .record(z.string().min(1).max(100), z.number().min(0).max(100))
    .optional()
    .describe('Weights by group; groups without one share what is left of 100.'),
  thresholds: z.strictObject({ pass: z.number().min(0).max(100), marginal: z.number().min(0).max(100) }),
  confidence: z.number().gt(0).lt(1).optional().describe('Of the rank-sum interval (default 0.98).'),
  tolerance: z
    .number()
    .min(0)
    .max(10)
    .optional()
    .describe('The interval must clear ±tolerance×|estimate| (default 0.25).'),
});
export type CanaryJudgeInput = z.infer<typeof CanaryJudgeInput>;

export const CanaryClassification = z.enum(['Pass', 'High', 'Low', 'Nodata', 'NodataFailMetric', 'Error']);

export const CanaryMetricJudgement = z.strictObject({
  name: z.string(),
  group: z.string(),
  classification: CanaryClassification,
  reason: z.string(),
  critical: z.boolean(),
  criticalFailure: z.boolean(),
  baselineCount: z.number().int(),
  canaryCount: z.number().int(),
  baselineMean: z.number().nullable(),
  canaryMean: z.number().nullable(),
  ratio: z.number().nullable(),
  estimate: z.number().nullable(),
  interval: z.tuple([z.number(), z.number()]).nullable(),
  pValue: z.number().nullable(),
});

export const CanaryJudgementResult = z.strictObject({
  metrics: z.array(CanaryMetricJudgement),
  groups: z.array(z.strictObject({ name: z.string(), weight: z.number(), score: z.number() })),
  score: z.number(),
  verdict: z.enum(['Pass', 'Marginal', 'Fail']),
  forcedToZero: z.string().nullable(),
});
export type CanaryJudgementResult = z.infer<typeof CanaryJudgementResult>;

/** What was judged, when known: a deployment step's baseline and canary. */
export const CanarySubject = z.strictObject({
  deploymentId: z.string().min(1).max(200).optional(),
  service: z.string().min(1).max(100).optional(),
  environment: z.string().min(1).max(100).optional(),
  baselineVersion: z.string().min(1).max(200).optional(),
  canaryVersion: z.string().min(1).max(200).optional(),
});
export type CanarySubject = z.infer<typeof CanarySubject>;

export const CanaryJudged = defineEvent(
  'CanaryJudged',
  z.strictObject({
    judgementId: z.uuid(),
    subject: CanarySubject,
    input: CanaryJudgeInput,
    result: CanaryJudgementResult,
    judgedBy: z.string().min(1).max(200),
  }),
  'A canary judgement: its input and, per metric, classification, Hodges–Lehmann estimate, interval, mean ratio and ' +
    'reason, the group scores, score and verdict. Re-judging the input gives the same result.',
);

/** The canary judgement aggregate's catalogue (`canaryJudgement-<id>`). */
export const canaryJudgementEvents = { CanaryJudged } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type CanaryJudgementEvent = {
  [K in keyof typeof canaryJudgementEvents]: { type: K; data: DataOf<(typeof canaryJudgementEvents)[K]> };
}[keyof typeof canaryJudgementEvents];

/** The monitoring service's error codes (`MONITORING_*`). Never renamed once published. */
export const MonitoringErrorCodes = {
  CANARY_CONFIG_INVALID: 'MONITORING_CANARY_CONFIG_INVALID',
  JUDGEMENT_NOT_FOUND: 'MONITORING_JUDGEMENT_NOT_FOUND',
  JUDGEMENT_EXISTS: 'MONITORING_JUDGEMENT_EXISTS',
  WATCH_NOT_FOUND: 'MONITORING_WATCH_NOT_FOUND',
  DEPLOYMENT_UNKNOWN: 'MONITORING_DEPLOYMENT_UNKNOWN',
  CRITERIA_UNKNOWN: 'MONITORING_CRITERIA_UNKNOWN',
  ANALYSIS_RUNNING: 'MONITORING_ANALYSIS_RUNNING',
  METRIC_TEMPLATE_INVALID: 'MONITORING_METRIC_TEMPLATE_INVALID',
  SAMPLES_INVALID: 'MONITORING_SAMPLES_INVALID',
  ALERT_PAYLOAD_INVALID: 'MONITORING_ALERT_PAYLOAD_INVALID',
  ANOMALY_NOT_FOUND: 'MONITORING_ANOMALY_NOT_FOUND',
  ANOMALY_RESOLVED: 'MONITORING_ANOMALY_RESOLVED',
  JOURNEY_VARIABLE_UNKNOWN: 'MONITORING_JOURNEY_VARIABLE_UNKNOWN',
  JOURNEY_NOT_FOUND: 'MONITORING_JOURNEY_NOT_FOUND',
} as const;
