import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';

// GET /parity?service= (E1): every difference across the environments of one service, from the read model.
describe('GET /parity', () => {
  let f: OrchestrationFixture;

  beforeAll(async () => {
    f = await startOrchestration('parity');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('lists template version, parameter keys and config values that differ across tiers', async () => {
    const sre = await f.as('sre-sam', ['sre']);
    const params = (replicas: number, extra: object = {}) => ({ replicas, flags: { beta: false }, ...extra });
    const iac = (version: string, parameters: object) => ({ template: 'mod/shop', version, parameters });
    await sre.post(
      '/environments',
      environmentBody('shop-dev', 'dev', { service: 'shop', iac: iac('2.0.0', params(1, { debug: true })) }),
    );
    await sre.post(
      '/environments',
      environmentBody('shop-staging', 'staging', { service: 'shop', iac: iac('1.9.0', params(2)) }),
    );
    await sre.post(
      '/environments',
      environmentBody('shop-prod', 'prod', { service: 'shop', iac: iac('1.9.0', params(2)) }),
    );
    await sre.post('/environments', environmentBody('other-prod', 'prod', { service: 'other' }));
    const agent = await f.as('agent', ['deployer']);
    await agent.post('/environments/shop-prod/actual-config', { config: params(6) });
    await f.settle();
    const res = await sre.get('/parity?service=shop');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-projection-position']).toBeDefined();
    expect(res.json()).toEqual({
      service: 'shop',
      environments: [
        { name: 'shop-dev', tier: 'dev' },
        { name: 'shop-staging', tier: 'staging' },
        { name: 'shop-prod', tier: 'prod' },
      ],
      differences: [
        {
          aspect: 'templateVersion',
          path: '',
          values: { 'shop-dev': '2.0.0', 'shop-staging': '1.9.0', 'shop-prod': '1.9.0' },
        },
        {
          aspect: 'parameterKey',
          path: '/debug',
          values: { 'shop-dev': 'set', 'shop-staging': null, 'shop-prod': null },
        },
        {
          aspect: 'configValue',
          path: '/debug',
          values: { 'shop-dev': true, 'shop-staging': null, 'shop-prod': null },
        },
        { aspect: 'configValue', path: '/replicas', values: { 'shop-dev': 1, 'shop-staging': 2, 'shop-prod': 6 } },
      ],
    });
  });

  it('refuses a request without a service (400)', async () => {
    const res = await (await f.as('x', ['auditor'])).get('/parity');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('RAILYARD_REQUEST_INVALID');
  });
});
