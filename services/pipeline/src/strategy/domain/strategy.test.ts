import type { StageDefinition } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STRATEGY_POLICY, strategiesFor } from './strategy.js';

const stages: StageDefinition[] = [
  { kind: 'build', name: 'build' },
  { kind: 'deploy', name: 'staging', environment: 'staging' },
  { kind: 'deploy', name: 'prod', environment: 'prod' },
];

describe('strategy by tier', () => {
  it('gives a critical service a canary in prod and blue-green elsewhere', () => {
    const chosen = strategiesFor(DEFAULT_STRATEGY_POLICY, 'critical', stages);
    expect(chosen.map((s) => [s.environment, s.strategy.type])).toEqual([
      ['staging', 'blue-green'],
      ['prod', 'canary'],
    ]);
    const canary = chosen[1]!.strategy;
    expect(canary.type === 'canary' && canary.steps.map((s) => s.weight)).toEqual([5, 25, 50, 100]);
  });
  it('gives standard and low tiers blue-green / rolling', () => {
    expect(strategiesFor(DEFAULT_STRATEGY_POLICY, 'standard', stages).map((s) => s.strategy.type)).toEqual([
      'rolling',
      'blue-green',
    ]);
    expect(strategiesFor(DEFAULT_STRATEGY_POLICY, 'low', stages).map((s) => s.strategy)).toEqual([
      { type: 'rolling', batchPercent: 50 },
      { type: 'rolling', batchPercent: 50 },
    ]);
  });
});
