import { RolloutStrategy } from '@railyard/contracts';
import { baseConfigSchema, jsonVariable, portSchema } from '@railyard/service-kit';
import { z } from 'zod';
import type { PerformanceThresholds } from './gates/domain/performance-gate.js';
import { DEFAULT_STRATEGY_POLICY, type StrategyPolicy } from './strategy/domain/strategy.js';

/** Percentiles may grow 10 %, throughput drop 10 %, the error rate grow half a point, before promotion blocks. */
export const DEFAULT_PERFORMANCE_THRESHOLDS: PerformanceThresholds = {
  latencyRegression: 0.1,
  throughputDrop: 0.1,
  errorRateIncrease: 0.005,
};

const environments = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== ''),
  )
  .pipe(z.array(z.string().regex(/^[a-z][a-z0-9-]{0,49}$/)));
const byEnvironment = z.record(z.string(), RolloutStrategy);

/** The pipeline service's environment: the common variables plus its port (4103) and gate policies. */
export const pipelineConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(4103),
  SEAL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  /** JSON `{ "critical"|"standard"|"low": { "<environment>"|"*": strategy } }` (L5). */
  PIPELINE_STRATEGY_POLICY: jsonVariable(
    z.strictObject({ critical: byEnvironment, standard: byEnvironment, low: byEnvironment }),
  ).default(DEFAULT_STRATEGY_POLICY),
  /** Comma-separated environments whose promotion compares load tests with the baseline (L6). */
  PIPELINE_PERFORMANCE_ENVIRONMENTS: environments.default(['prod']),
  /** JSON `{ latencyRegression, throughputDrop, errorRateIncrease }` as fractions. */
  PIPELINE_PERFORMANCE_THRESHOLDS: jsonVariable(
    z.strictObject({
      latencyRegression: z.number().min(0),
      throughputDrop: z.number().min(0).max(1),
      errorRateIncrease: z.number().min(0).max(1),
    }),
  ).default(DEFAULT_PERFORMANCE_THRESHOLDS),
  /** Comma-separated environments whose promotion needs a signed artifact. */
  PIPELINE_SIGNATURE_ENVIRONMENTS: environments.default(['prod']),
});
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;

/** The policies the service runs under, from configuration. */
export interface PipelinePolicies {
  strategies: StrategyPolicy;
  performance: { environments: string[]; thresholds: PerformanceThresholds };
  /** Environments whose promotion needs a signed artifact (from the artifact service's events). */
  signatureRequiredIn: string[];
}
