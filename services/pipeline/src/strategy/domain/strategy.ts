import type { RolloutStrategy, StageDefinition } from '@railyard/contracts';

export type Tier = 'critical' | 'standard' | 'low';
/** Tier → environment → strategy; the environment `*` is the tier's default. */
export type StrategyPolicy = Record<Tier, Record<string, RolloutStrategy>>;

/** The organisation's default (L5): the more critical, the more careful the rollout where it matters. */
export const DEFAULT_STRATEGY_POLICY: StrategyPolicy = {
  critical: {
    prod: {
      type: 'canary',
      steps: [
        { weight: 5, pauseMinutes: 15 },
        { weight: 25, pauseMinutes: 15 },
        { weight: 50, pauseMinutes: 15 },
        { weight: 100, pauseMinutes: 0 },
      ],
    },
    '*': { type: 'blue-green' },
  },
  standard: { prod: { type: 'blue-green' }, '*': { type: 'rolling', batchPercent: 25 } },
  low: { '*': { type: 'rolling', batchPercent: 50 } },
};

/** The strategy of each deploy environment of a definition, for the tier; recorded on the run when it starts. */
export function strategiesFor(
  policy: StrategyPolicy,
  tier: Tier,
  stages: readonly StageDefinition[],
): { environment: string; strategy: RolloutStrategy }[] {
  const byEnv = policy[tier];
  const environments = [...new Set(stages.flatMap((s) => (s.kind === 'deploy' ? [s.environment] : [])))];
  return environments.map((environment) => ({
    environment,
    strategy: byEnv[environment] ?? byEnv['*'] ?? { type: 'rolling', batchPercent: 25 },
  }));
}
