import { ConfigError, loadConfig } from '@railyard/service-kit';
import { describe, expect, it } from 'vitest';
import { artifactConfigSchema, DEV_MASTER_KEY, masterKeyOf, namingConventions } from './config.js';

describe('artifact configuration', () => {
  it('defaults to port 4102, storage under the repository and the default policies', () => {
    const config = loadConfig(artifactConfigSchema, {});
    expect(config.PORT).toBe(4102);
    expect(config.ARTIFACT_STORAGE_DIR).toMatch(/data\/artifacts$/);
    expect(Object.keys(config.ARTIFACT_STAGE_POLICIES)).toEqual(['dev', 'staging', 'prod']);
  });
  it('reads naming conventions and stage policies as JSON, naming the variable when they do not parse', () => {
    const config = loadConfig(artifactConfigSchema, {
      ARTIFACT_NAMING: '{"service":"[a-z]+"}',
      ARTIFACT_STAGE_POLICIES: '{"prod":{"signature":true}}',
    });
    expect(namingConventions(config.ARTIFACT_NAMING).service!.test('abc-def')).toBe(false);
    expect(config.ARTIFACT_STAGE_POLICIES).toEqual({ prod: { signature: true } });
    expect(() => loadConfig(artifactConfigSchema, { ARTIFACT_NAMING: '{"service":"("}' })).toThrow(/ARTIFACT_NAMING/);
    expect(() => loadConfig(artifactConfigSchema, { ARTIFACT_STAGE_POLICIES: '{"prod":{"sig":1}}' })).toThrow(
      /ARTIFACT_STAGE_POLICIES/,
    );
  });
  it('requires ARTIFACT_MASTER_KEY in production, and falls back to the development key with a warning otherwise', () => {
    expect(() => masterKeyOf({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(masterKeyOf({})).toMatchObject({
      key: DEV_MASTER_KEY,
      warning: expect.stringMatching(/ARTIFACT_MASTER_KEY/),
    });
    const key = 'k'.repeat(40);
    expect(masterKeyOf({ ARTIFACT_MASTER_KEY: key, NODE_ENV: 'production' })).toEqual({ key });
  });
});
