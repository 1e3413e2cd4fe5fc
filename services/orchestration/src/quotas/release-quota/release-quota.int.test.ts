import { quotaStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';

// DELETE /quotas/:team/:environment/reservations/:deploymentId (E5): a waiting deployment may give up its place too.
describe('DELETE /quotas/:team/:environment/reservations/:deploymentId', () => {
  let f: OrchestrationFixture;

  beforeAll(async () => {
    f = await startOrchestration('releaseQuota');
    const sre = await f.as('sre-sam', ['sre']);
    await sre.put('/quotas/web/dev', {
      limits: { concurrentDeployments: 1, instances: 5, cpuUnits: 5, memoryUnits: 5 },
      whenExceeded: 'queue',
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('releases a queued deployment without admitting anyone, and 404s it the second time', async () => {
    const ci = await f.as('ci', ['deployer']);
    const demand = { instances: 1, cpuUnits: 1, memoryUnits: 1 };
    await ci.post('/quotas/web/dev/reservations', { deploymentId: 'held', demand });
    await ci.post('/quotas/web/dev/reservations', { deploymentId: 'waiting', demand });
    const res = await ci.del('/quotas/web/dev/reservations/waiting');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ reservations: [{ deploymentId: 'held' }], queue: [] });
    expect((await f.events(quotaStream('web', 'dev'))).at(-1)).toEqual({
      type: 'QuotaReleased',
      data: { team: 'web', environment: 'dev', deploymentId: 'waiting', wasQueued: true },
    });
    const before = await f.head();
    const again = await ci.del('/quotas/web/dev/reservations/waiting');
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('ORCHESTRATION_QUOTA_RESERVATION_NOT_FOUND');
    expect(await f.head()).toBe(before);
  });
});
