import { loadConfig } from '@railyard/service-kit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PERFORMANCE_THRESHOLDS, pipelineConfigSchema } from './config.js';
import { DEFAULT_STRATEGY_POLICY } from './strategy/domain/strategy.js';

describe('pipeline configuration', () => {
  it('defaults to port 4103 and the default gate and strategy policies', () => {
    const config = loadConfig(pipelineConfigSchema, {});
    expect(config.PORT).toBe(4103);
    expect(config.PIPELINE_STRATEGY_POLICY).toEqual(DEFAULT_STRATEGY_POLICY);
    expect(config.PIPELINE_PERFORMANCE_THRESHOLDS).toEqual(DEFAULT_PERFORMANCE_THRESHOLDS);
    expect([config.PIPELINE_PERFORMANCE_ENVIRONMENTS, config.PIPELINE_SIGNATURE_ENVIRONMENTS]).toEqual([
      ['prod'],
      ['prod'],
    ]);
  });
  it('reads lists and JSON policies, naming the variable when one does not parse', () => {
    const config = loadConfig(pipelineConfigSchema, {
      PIPELINE_PERFORMANCE_ENVIRONMENTS: 'staging, prod',
      PIPELINE_STRATEGY_POLICY: '{"critical":{"*":{"type":"blue-green"}},"standard":{},"low":{}}',
    });
    expect(config.PIPELINE_PERFORMANCE_ENVIRONMENTS).toEqual(['staging', 'prod']);
    expect(config.PIPELINE_STRATEGY_POLICY.critical['*']).toEqual({ type: 'blue-green' });
    expect(() =>
      loadConfig(pipelineConfigSchema, { PIPELINE_STRATEGY_POLICY: '{"critical":{"*":{"type":"yolo"}}}' }),
    ).toThrow(/PIPELINE_STRATEGY_POLICY/);
    expect(() => loadConfig(pipelineConfigSchema, { PIPELINE_PERFORMANCE_THRESHOLDS: 'fast' })).toThrow(
      /PIPELINE_PERFORMANCE_THRESHOLDS/,
    );
    expect(() => loadConfig(pipelineConfigSchema, { PIPELINE_SIGNATURE_ENVIRONMENTS: 'Prod!' })).toThrow(
      /PIPELINE_SIGNATURE_ENVIRONMENTS/,
    );
  });
});
