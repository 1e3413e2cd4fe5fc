import { quotaStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';

// PUT /quotas/:team/:environment (E5): limits per team and environment; raising them admits the queue.
describe('PUT /quotas/:team/:environment', () => {
  let f: OrchestrationFixture;
  const limits = { concurrentDeployments: 1, instances: 2, cpuUnits: 2, memoryUnits: 2 };

  beforeAll(async () => {
    f = await startOrchestration('setQuota');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('records QuotaSet, and raising the limits admits the waiting deployment at once', async () => {
    const sre = await f.as('sre-sam', ['sre']);
    const ci = await f.as('ci', ['deployer']);
    const set = await sre.put('/quotas/search/prod', { limits, whenExceeded: 'queue' });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ team: 'search', environment: 'prod', limits, whenExceeded: 'queue', queue: [] });
    const demand = { instances: 1, cpuUnits: 1, memoryUnits: 1 };
    await ci.post('/quotas/search/prod/reservations', { deploymentId: 'a', demand });
    expect((await ci.post('/quotas/search/prod/reservations', { deploymentId: 'b', demand })).statusCode).toBe(202);
    const raised = await sre.put('/quotas/search/prod', {
      limits: { ...limits, concurrentDeployments: 2 },
      whenExceeded: 'queue',
    });
    expect(raised.json()).toMatchObject({ reservations: [{ deploymentId: 'a' }, { deploymentId: 'b' }], queue: [] });
    expect((await f.events(quotaStream('search', 'prod'))).slice(-2)).toEqual([
      {
        type: 'QuotaSet',
        data: {
          team: 'search',
          environment: 'prod',
          limits: { ...limits, concurrentDeployments: 2 },
          whenExceeded: 'queue',
          setBy: 'sre-sam',
        },
      },
      {
        type: 'QuotaReserved',
        data: { team: 'search', environment: 'prod', deploymentId: 'b', demand, fromQueue: true },
      },
    ]);
  });

  it('refuses a limit below zero (400) and a deployer (403), appending nothing', async () => {
    const before = await f.head();
    const sre = await f.as('sre-sam', ['sre']);
    const negative = await sre.put('/quotas/search/prod', { limits: { ...limits, memoryUnits: -1 } });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().code).toBe('RAILYARD_REQUEST_INVALID');
    const ci = await f.as('ci', ['deployer']);
    expect((await ci.put('/quotas/search/prod', { limits })).statusCode).toBe(403);
    expect(await f.head()).toBe(before);
  });
});
