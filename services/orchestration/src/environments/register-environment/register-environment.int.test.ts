import { createHash } from 'node:crypto';
import { environmentStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';

// POST /environments (E1, E4): the environment with its IaC source and the parameters' sha256.
describe('POST /environments', () => {
  let f: OrchestrationFixture;
  let sre: { authorization: string };
  const body = {
    name: 'checkout-staging',
    service: 'checkout',
    tier: 'staging',
    region: 'eu-west-1',
    iac: { template: 'git@infra:modules/checkout', version: '4.2.0', parameters: { replicas: 3, db: { size: 'm' } } },
  };

  beforeAll(async () => {
    f = await startOrchestration('envRegister', { schedulerIntervalMs: false });
    sre = await f.auth('sre-sam', ['sre']);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('registers an environment, records EnvironmentRegistered and serves it back', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/environments', headers: sre, payload: body });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe('/environments/checkout-staging');
    // sha256 of the canonical JSON (keys sorted at every depth).
    const sha = createHash('sha256').update('{"db":{"size":"m"},"replicas":3}').digest('hex');
    expect(res.json()).toMatchObject({ name: 'checkout-staging', tier: 'staging', status: 'active', ttlMinutes: null });
    expect(res.json().iac.parametersSha256).toBe(sha);
    expect(await f.events(environmentStream('checkout-staging'))).toEqual([
      {
        type: 'EnvironmentRegistered',
        data: {
          name: 'checkout-staging',
          service: 'checkout',
          tier: 'staging',
          region: 'eu-west-1',
          iac: { ...body.iac, parametersSha256: sha },
          driftIgnore: [],
          ttlMinutes: null,
          expiresAt: null,
          recreate: null,
          registeredAt: f.clock.now.toISOString(),
          registeredBy: 'sre-sam',
        },
      },
    ]);
    const got = await f.app.inject({ method: 'GET', url: '/environments/checkout-staging', headers: sre });
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"0"');
  });

  it('hashes the parameters over canonical JSON: key order does not change the digest', async () => {
    const a = await f.app.inject({
      method: 'POST',
      url: '/environments',
      headers: sre,
      payload: { ...body, name: 'hash-a', iac: { ...body.iac, parameters: { a: 1, b: { c: 2, d: 3 } } } },
    });
    const b = await f.app.inject({
      method: 'POST',
      url: '/environments',
      headers: sre,
      payload: { ...body, name: 'hash-b', iac: { ...body.iac, parameters: { b: { d: 3, c: 2 }, a: 1 } } },
    });
    expect(a.json().iac.parametersSha256).toBe(b.json().iac.parametersSha256);
  });

  const bad: [string, object, number, string][] = [
    ['a second environment of the same name', body, 409, 'ORCHESTRATION_ENVIRONMENT_EXISTS'],
    [
      'a TTL on a staging environment',
      { ...body, name: 'x1', ttlMinutes: 60 },
      422,
      'ORCHESTRATION_TTL_ONLY_FOR_EPHEMERAL',
    ],
    [
      'an ephemeral environment without TTL',
      { ...body, name: 'x2', tier: 'ephemeral' },
      422,
      'ORCHESTRATION_EPHEMERAL_TTL_REQUIRED',
    ],
    [
      'a recreate cron that does not parse',
      { ...body, name: 'x3', recreate: { cron: '61 * * * *', timeZone: 'UTC' } },
      422,
      'ORCHESTRATION_CRON_INVALID',
    ],
    [
      'a recreate time zone that does not exist',
      { ...body, name: 'x4', recreate: { cron: '0 6 * * 1', timeZone: 'Mars/Olympus' } },
      422,
      'ORCHESTRATION_TIME_ZONE_UNKNOWN',
    ],
    ['an unknown tier', { ...body, name: 'x5', tier: 'qa' }, 400, 'RAILYARD_REQUEST_INVALID'],
    [
      'an ignore rule that is not a JSON Pointer',
      { ...body, name: 'x6', driftIgnore: ['a/b'] },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
  ];
  for (const [what, payload, status, code] of bad) {
    it(`refuses ${what} with ${status} ${code}, appending nothing`, async () => {
      const before = await f.head();
      const res = await f.app.inject({ method: 'POST', url: '/environments', headers: sre, payload });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe(code);
      expect(await f.head()).toBe(before);
    });
  }

  it('refuses a caller without the sre role with 403', async () => {
    const dev = await f.auth('dev-dan', ['developer']);
    const res = await f.app.inject({
      method: 'POST',
      url: '/environments',
      headers: dev,
      payload: { ...body, name: 'x7' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('RAILYARD_AUTH_FORBIDDEN');
  });
});
