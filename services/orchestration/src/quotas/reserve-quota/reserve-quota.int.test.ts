import { quotaStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../../test-support/orchestration-fixture.js';

// Quotas over HTTP (E5): set, reserve, refuse or queue with the limit and the excess, release, and the use report.
describe('quotas', () => {
  let f: OrchestrationFixture;
  let sre: HttpClient;
  let ci: HttpClient;
  const limits = { concurrentDeployments: 2, instances: 10, cpuUnits: 8, memoryUnits: 32 };

  beforeAll(async () => {
    f = await startOrchestration('quotas');
    sre = await f.as('sre-sam', ['sre']);
    ci = await f.as('ci-bot', ['deployer']);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('refuses a deployment over quota, naming each limit and by how much, and appends nothing', async () => {
    expect((await sre.put('/quotas/payments/staging', { limits })).statusCode).toBe(200);
    const first = await ci.post('/quotas/payments/staging/reservations', {
      deploymentId: 'dep-1',
      demand: { instances: 6, cpuUnits: 4, memoryUnits: 8 },
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ deploymentId: 'dep-1', status: 'reserved', exceeded: [] });
    const before = await f.head();
    const over = await ci.post('/quotas/payments/staging/reservations', {
      deploymentId: 'dep-2',
      demand: { instances: 6, cpuUnits: 2, memoryUnits: 8 },
    });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({
      code: 'ORCHESTRATION_QUOTA_EXCEEDED',
      exceeded: [{ limit: 'instances', max: 10, wouldUse: 12, over: 2 }],
    });
    expect(over.json().detail).toContain('instances 12 > 10 (over by 2)');
    expect(await f.head()).toBe(before);
  });

  it('queues in queue mode (202 with the reason) and admits the waiting deployment when one is released', async () => {
    await sre.put('/quotas/payments/staging', { limits, whenExceeded: 'queue' });
    const queued = await ci.post('/quotas/payments/staging/reservations', {
      deploymentId: 'dep-2',
      demand: { instances: 6, cpuUnits: 2, memoryUnits: 8 },
    });
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toEqual({
      deploymentId: 'dep-2',
      status: 'queued',
      exceeded: [{ limit: 'instances', max: 10, wouldUse: 12, over: 2 }],
    });
    const released = await ci.del('/quotas/payments/staging/reservations/dep-1');
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({
      use: { concurrentDeployments: 1, instances: 6, cpuUnits: 2, memoryUnits: 8 },
      reservations: [{ deploymentId: 'dep-2' }],
      queue: [],
    });
    expect((await f.events(quotaStream('payments', 'staging'))).map((e) => e.type)).toEqual([
      'QuotaSet',
      'QuotaReserved',
      'QuotaSet',
      'QuotaReservationQueued',
      'QuotaReleased',
      'QuotaReserved',
    ]);
    await f.settle();
    const use = await sre.get('/quotas?team=payments');
    expect(use.json().items).toEqual([
      {
        team: 'payments',
        environment: 'staging',
        whenExceeded: 'queue',
        limits,
        use: { concurrentDeployments: 1, instances: 6, cpuUnits: 2, memoryUnits: 8 },
        queued: 0,
      },
    ]);
  });

  it('404s a release of a deployment that holds nothing, and a quota never set', async () => {
    const res = await ci.del('/quotas/payments/staging/reservations/dep-9');
    expect(res.json().code).toBe('ORCHESTRATION_QUOTA_RESERVATION_NOT_FOUND');
    expect((await sre.get('/quotas/search/prod')).json().code).toBe('ORCHESTRATION_QUOTA_NOT_FOUND');
  });
});
