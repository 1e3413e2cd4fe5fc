import { ErrorCodes } from '@railyard/contracts';
import { waitFor } from '@railyard/testing/wait-for';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from './app.js';
import { baseConfigSchema, loadConfig } from './config.js';
import { rateLimitFromEnv } from './rate-limit.js';
import { bearer, testApp } from './test-support/test-app.js';

describe('rate limiting', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const post = async (authorization?: string) =>
    app!.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x' },
      headers: authorization ? { authorization } : {},
    });

  it('answers 429 problem+json with Retry-After past the limit, per principal', async () => {
    app = await testApp({ rateLimit: { max: 3, windowMs: 60_000 } });
    const ana = await bearer(['release-manager'], 'ana');
    const bo = await bearer(['release-manager'], 'bo');
    for (let i = 0; i < 3; i++) expect((await post(ana)).statusCode).toBe(201);
    const limited = await post(ana);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ status: 429, code: ErrorCodes.RATE_LIMITED });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another principal from the same address has a budget of its own.
    expect((await post(bo)).statusCode).toBe(201);
  });

  it('counts callers without valid credentials by IP, so guessing keys is throttled too', async () => {
    app = await testApp({ rateLimit: { max: 2, windowMs: 60_000 } });
    expect((await post()).statusCode).toBe(401);
    expect((await post('Bearer not-a-token')).statusCode).toBe(401);
    const limited = await post('Bearer another-guess');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // A caller who is authenticated is counted as a principal, not as that IP.
    expect((await post(await bearer(['release-manager'], 'ana'))).statusCode).toBe(201);
  });

  it('never throttles health probes', async () => {
    app = await testApp({ rateLimit: { max: 1, windowMs: 60_000 } });
    for (let i = 0; i < 5; i++) {
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    }
  });

  it('lets the principal in again once the window has passed', async () => {
    app = await testApp({ rateLimit: { max: 1, windowMs: 200 } });
    const ana = await bearer(['release-manager'], 'ana');
    expect((await post(ana)).statusCode).toBe(201);
    expect((await post(ana)).statusCode).toBe(429);
    const status = await waitFor(
      'the window to pass',
      async () => {
        const answered = (await post(ana)).statusCode;
        return answered === 429 ? undefined : answered;
      },
      { timeoutMs: 5000 },
    );
    expect(status).toBe(201);
  });

  it('is configured by RATE_LIMIT_MAX and RATE_LIMIT_WINDOW_MS, and 0 turns it off', () => {
    expect(rateLimitFromEnv(loadConfig(baseConfigSchema, {}))).toEqual({ max: 6000, windowMs: 60_000 });
    expect(
      rateLimitFromEnv(loadConfig(baseConfigSchema, { RATE_LIMIT_MAX: '50', RATE_LIMIT_WINDOW_MS: '1000' })),
    ).toEqual({ max: 50, windowMs: 1000 });
    expect(rateLimitFromEnv(loadConfig(baseConfigSchema, { RATE_LIMIT_MAX: '0' }))).toBe(false);
    expect(() => loadConfig(baseConfigSchema, { RATE_LIMIT_MAX: 'lots' })).toThrow(/RATE_LIMIT_MAX/);
  });
});
