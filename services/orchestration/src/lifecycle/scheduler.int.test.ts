import { environmentStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../test-support/orchestration-fixture.js';

// The lifecycle scheduler (E4) on an injected clock: TTL teardown and cron recreate, no sleeps.
describe('lifecycle scheduler', () => {
  let f: OrchestrationFixture;
  let sre: HttpClient;

  beforeAll(async () => {
    f = await startOrchestration('lifecycle', { start: new Date('2026-12-01T09:00:00Z') });
    sre = await f.as('sre-sam', ['sre']);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('tears down at the TTL, then recreates on the cron schedule with a fresh TTL', async () => {
    const created = await sre.post(
      '/environments',
      environmentBody('nightly', 'ephemeral', {
        ttlMinutes: 600,
        recreate: { cron: '0 6 * * *', timeZone: 'Europe/Berlin' },
      }),
    );
    expect(created.json().expiresAt).toBe('2026-12-01T19:00:00.000Z');
    await f.settle();
    f.clock.now = new Date('2026-12-01T18:59:59Z');
    expect(await f.runtime.scheduler.tick()).toBe(0);
    f.clock.now = new Date('2026-12-01T19:00:00Z');
    expect(await f.runtime.scheduler.tick()).toBe(1);
    expect((await sre.get('/environments/nightly')).json()).toMatchObject({
      status: 'torn-down',
      tornDownAt: '2026-12-01T19:00:00.000Z',
    });
    await f.settle();
    // 06:00 in Berlin is 05:00 UTC in winter.
    f.clock.now = new Date('2026-12-02T05:00:00Z');
    expect(await f.runtime.scheduler.tick()).toBe(1);
    expect(await f.runtime.scheduler.tick()).toBe(0);
    const events = await f.events(environmentStream('nightly'));
    expect(events.slice(1)).toEqual([
      {
        type: 'EnvironmentTornDown',
        data: {
          name: 'nightly',
          reason: 'ttl-expired',
          expiresAt: '2026-12-01T19:00:00.000Z',
          tornDownAt: '2026-12-01T19:00:00.000Z',
        },
      },
      {
        type: 'EnvironmentRecreateRequested',
        data: {
          name: 'nightly',
          cron: '0 6 * * *',
          scheduledFor: '2026-12-02T05:00:00.000Z',
          requestedAt: '2026-12-02T05:00:00.000Z',
          expiresAt: '2026-12-02T15:00:00.000Z',
        },
      },
    ]);
    expect((await sre.get('/environments/nightly')).json()).toMatchObject({
      status: 'active',
      expiresAt: '2026-12-02T15:00:00.000Z',
    });
  });

  it('leaves long-lived environments alone', async () => {
    await sre.post('/environments', environmentBody('steady', 'staging'));
    await f.settle();
    f.clock.now = new Date('2027-06-01T00:00:00Z');
    await f.runtime.scheduler.tick();
    expect((await f.events(environmentStream('steady'))).map((e) => e.type)).toEqual(['EnvironmentRegistered']);
  });
});
