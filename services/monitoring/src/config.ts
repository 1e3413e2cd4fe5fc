import { baseConfigSchema, jsonVariable, portSchema } from '@railyard/service-kit';
import { z } from 'zod';
import { DEFAULT_PROMQL_TEMPLATES, renderPromql } from './metrics/domain/promql-templates.js';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The monitoring service's environment: the common variables plus its port (4105) and its analysis settings. */
export const monitoringConfigSchema = baseConfigSchema
  .extend({
    PORT: portSchema(4105),
    SEAL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
    /** How often the analysis watcher looks for runs to start and measurements that are due (M6). */
    ANALYSIS_TICK_MS: z.coerce.number().int().min(50).default(5000),
    /** The analysis template of the automatic run every watched deployment gets (Argo Rollouts' AnalysisTemplate). */
    ANALYSIS_COUNT: z.coerce.number().int().min(1).max(10_000).default(20),
    ANALYSIS_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
    ANALYSIS_FAILURE_LIMIT: z.coerce.number().int().min(0).max(1000).default(0),
    ANALYSIS_INCONCLUSIVE_LIMIT: z.coerce.number().int().min(0).max(1000).default(0),
    ANALYSIS_CONSECUTIVE_ERROR_LIMIT: z.coerce.number().int().min(0).max(1000).default(4),
    /** Shadow mode: record what would have been triggered (RollbackShadowed), trigger nothing. */
    ANALYSIS_SHADOW: bool.default(false),
    /** How far back an alert is correlated with deployments of its service or of services it depends on (M2). */
    ALERT_CORRELATION_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    /** Prometheus's base URL (M4); unset: metrics come only from `POST /metrics/samples`. */
    PROMETHEUS_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** The rate window rendered as `{{window}}` in PromQL templates. */
    PROMETHEUS_RATE_WINDOW: z
      .string()
      .regex(/^\d+(ms|s|m|h|d)$/, 'must be a PromQL duration such as 1m')
      .default('1m'),
    PROMETHEUS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
    /** PromQL templates by metric (JSON object), merged over the defaults; each must render, or start-up stops. */
    PROMETHEUS_TEMPLATES: jsonVariable(z.record(z.string().min(1).max(200), z.string().min(1).max(4000)))
      .refine(
        (templates) =>
          Object.values(templates).every((t) => {
            try {
              renderPromql(t, { service: 's', environment: 'e', version: 'v' }, { window: '1m', quantile: 0.95 });
              return true;
            } catch {
              return false;
            }
          }),
        'every template must render (known placeholders, balanced brackets)',
      )
      .optional(),
    /** Health endpoints by service, JSON `{"orders": "http://orders.{{environment}}.internal/health"}` (M3). */
    DEPENDENT_HEALTH_URLS: jsonVariable(
      z.record(z.string().min(1).max(100), z.string().regex(/^https?:\/\/\S+$/, 'an http(s) URL')),
    ).optional(),
    /** How often the journey scheduler looks for journeys whose `everySeconds` has passed (M1). */
    JOURNEY_TICK_MS: z.coerce.number().int().min(50).default(10_000),
    DEPENDENT_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
    /** PagerDuty Events API v2 base URL (M7); unset: anomalies are never escalated, no change events are sent. */
    PAGERDUTY_EVENTS_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** The integration's routing key (32 characters); required with PAGERDUTY_EVENTS_URL. */
    PAGERDUTY_ROUTING_KEY: z.string().length(32, 'must be the 32-character integration key').optional(),
    PAGERDUTY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    /** How long an anomaly may stay unresolved before it pages (M7); 0 pages at the next tick (demos, the e2e test). */
    ESCALATE_AFTER_MINUTES: z.coerce.number().int().min(0).max(10_080).default(15),
    ESCALATION_TICK_MS: z.coerce.number().int().min(50).default(30_000),
    /** This service's public base URL, for the links in pages. */
    MONITORING_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4105'),
  })
  .refine((c) => !c.PAGERDUTY_EVENTS_URL || c.PAGERDUTY_ROUTING_KEY, {
    message: 'PAGERDUTY_ROUTING_KEY is required with PAGERDUTY_EVENTS_URL',
    path: ['PAGERDUTY_ROUTING_KEY'],
  });
export type MonitoringConfig = z.infer<typeof monitoringConfigSchema>;

/** The Prometheus source's options from the configuration, when a Prometheus is configured. */
export const prometheusOptionsOf = (c: MonitoringConfig) =>
  c.PROMETHEUS_URL
    ? {
        url: c.PROMETHEUS_URL,
        templates: { ...DEFAULT_PROMQL_TEMPLATES, ...c.PROMETHEUS_TEMPLATES },
        window: c.PROMETHEUS_RATE_WINDOW,
        timeoutMs: c.PROMETHEUS_TIMEOUT_MS,
      }
    : undefined;

/** The PagerDuty target from the configuration, when one is configured. */
export const pagerDutyOf = (c: MonitoringConfig) =>
  c.PAGERDUTY_EVENTS_URL && c.PAGERDUTY_ROUTING_KEY
    ? { url: c.PAGERDUTY_EVENTS_URL, routingKey: c.PAGERDUTY_ROUTING_KEY, maxAttempts: c.PAGERDUTY_MAX_ATTEMPTS }
    : undefined;

/** The automatic run's template from the configuration. */
export const analysisTemplateOf = (c: MonitoringConfig) => ({
  count: c.ANALYSIS_COUNT,
  intervalSeconds: c.ANALYSIS_INTERVAL_SECONDS,
  failureLimit: c.ANALYSIS_FAILURE_LIMIT,
  inconclusiveLimit: c.ANALYSIS_INCONCLUSIVE_LIMIT,
  consecutiveErrorLimit: c.ANALYSIS_CONSECUTIVE_ERROR_LIMIT,
  shadow: c.ANALYSIS_SHADOW,
});
