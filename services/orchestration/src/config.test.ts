import { loadConfig } from '@railyard/service-kit';
import { describe, expect, it } from 'vitest';
import { orchestrationConfigSchema } from './config.js';

describe('orchestration configuration', () => {
  it('defaults to port 4104 and a 30 s scheduler', () => {
    const config = loadConfig(orchestrationConfigSchema, {});
    expect(config.PORT).toBe(4104);
    expect(config.ORCHESTRATION_SCHEDULER_INTERVAL_MS).toBe(30_000);
  });
  it('names the variable when a value does not parse', () => {
    expect(
      loadConfig(orchestrationConfigSchema, { ORCHESTRATION_SCHEDULER_INTERVAL_MS: '250' })
        .ORCHESTRATION_SCHEDULER_INTERVAL_MS,
    ).toBe(250);
    expect(() => loadConfig(orchestrationConfigSchema, { ORCHESTRATION_SCHEDULER_INTERVAL_MS: 'soon' })).toThrow(
      /ORCHESTRATION_SCHEDULER_INTERVAL_MS/,
    );
    expect(() => loadConfig(orchestrationConfigSchema, { ORCHESTRATION_SCHEDULER_INTERVAL_MS: '10' })).toThrow(
      /ORCHESTRATION_SCHEDULER_INTERVAL_MS/,
    );
  });
  it('takes the deploy agent, its secrets and the minute length, and refuses a malformed secret or URL', () => {
    const config = loadConfig(orchestrationConfigSchema, { ORCHESTRATION_MINUTE_MS: '20' });
    expect(config.ORCHESTRATION_MINUTE_MS).toBe(20);
    expect(config.ORCHESTRATION_AGENT_URL).toBe('http://127.0.0.1:4190');
    expect(() => loadConfig(orchestrationConfigSchema, { ORCHESTRATION_AGENT_SECRET: 'hunter2' })).toThrow(
      /ORCHESTRATION_AGENT_SECRET/,
    );
    expect(() => loadConfig(orchestrationConfigSchema, { ORCHESTRATION_AGENT_URL: 'ftp://agent' })).toThrow(
      /ORCHESTRATION_AGENT_URL/,
    );
  });
});
