import { baseConfigSchema, portSchema } from '@railyard/service-kit';
import { z } from 'zod';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The monitoring service's environment: the common variables plus its port (4105) and its analysis settings. */
export const monitoringConfigSchema = baseConfigSchema.extend({
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
});
export type MonitoringConfig = z.infer<typeof monitoringConfigSchema>;

/** The automatic run's template from the configuration. */
export const analysisTemplateOf = (c: MonitoringConfig) => ({
  count: c.ANALYSIS_COUNT,
  intervalSeconds: c.ANALYSIS_INTERVAL_SECONDS,
  failureLimit: c.ANALYSIS_FAILURE_LIMIT,
  inconclusiveLimit: c.ANALYSIS_INCONCLUSIVE_LIMIT,
  consecutiveErrorLimit: c.ANALYSIS_CONSECUTIVE_ERROR_LIMIT,
  shadow: c.ANALYSIS_SHADOW,
});
