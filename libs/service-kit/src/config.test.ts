import { describe, expect, it } from 'vitest';
import { baseConfigSchema, ConfigError, loadConfig, portSchema } from './config.js';

const schema = baseConfigSchema.extend({ PORT: portSchema(4101) });

describe('loadConfig', () => {
  it('gives working defaults for a developer machine', () => {
    const config = loadConfig(schema, {});
    expect(config).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/railyard',
      NATS_URL: 'nats://127.0.0.1:4222',
      SUBJECT_PREFIX: 'railyard',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PORT: 4101,
    });
    expect(config.EVENTSTORE_URL).toBeUndefined();
  });

  it('sizes the pool beyond the connections leases hold (orchestration holds 14), and lets it be set', () => {
    expect(loadConfig(schema, {})).toMatchObject({
      DATABASE_POOL_MAX: 20,
      EVENTSTORE_POOL_MAX: 10,
      DATABASE_CONNECT_TIMEOUT_MS: 10_000,
    });
    expect(loadConfig(schema, { EVENTSTORE_POOL_MAX: '4' }).EVENTSTORE_POOL_MAX).toBe(4);
    expect(loadConfig(schema, { DATABASE_POOL_MAX: '50' }).DATABASE_POOL_MAX).toBe(50);
    expect(() => loadConfig(schema, { DATABASE_POOL_MAX: '1' })).toThrow(/DATABASE_POOL_MAX/);
  });

  it('runs everything in one process unless RAILYARD_ROLE says web or worker', () => {
    expect(loadConfig(schema, {}).RAILYARD_ROLE).toBe('all');
    expect(loadConfig(schema, { RAILYARD_ROLE: 'web' }).RAILYARD_ROLE).toBe('web');
    expect(loadConfig(schema, { RAILYARD_ROLE: 'worker' }).RAILYARD_ROLE).toBe('worker');
    expect(() => loadConfig(schema, { RAILYARD_ROLE: 'both' })).toThrow(/RAILYARD_ROLE/);
  });

  it('parses values, treating empty variables as unset', () => {
    const config = loadConfig(schema, {
      PORT: '5000',
      EVENTSTORE_URL: 'kurrentdb://localhost:2113?tls=false',
      RAILYARD_JWKS_URL: '',
    });
    expect(config.PORT).toBe(5000);
    expect(config.EVENTSTORE_URL).toBe('kurrentdb://localhost:2113?tls=false');
    expect(config.RAILYARD_JWKS_URL).toBeUndefined();
  });

  it('names each bad variable and why', () => {
    let error: unknown;
    try {
      loadConfig(schema, {
        PORT: 'eighty',
        RAILYARD_AUTH_SECRET: 'short',
        EVENTSTORE_URL: 'mysql://x',
        RAILYARD_API_KEYS: 'ci:deployer:nothex',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'EVENTSTORE_URL',
      'PORT',
      'RAILYARD_API_KEYS',
      'RAILYARD_AUTH_SECRET',
    ]);
    expect(message).toMatch(/RAILYARD_AUTH_SECRET: must be at least 32 characters/);
    expect(message).toMatch(/RAILYARD_API_KEYS: entry 1 \(ci\) hash must be 64 hex characters/);
  });

  it('parses API key entries into id, roles and hash', () => {
    const hash = 'a'.repeat(64);
    const config = loadConfig(schema, {
      RAILYARD_API_KEYS: `ci:deployer|developer:${hash}, bot:analyst:${hash.toUpperCase()}`,
    });
    expect(config.RAILYARD_API_KEYS).toEqual([
      { id: 'ci', roles: ['deployer', 'developer'], sha256: hash },
      { id: 'bot', roles: ['analyst'], sha256: hash },
    ]);
  });
});
