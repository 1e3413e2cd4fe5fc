import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../../test-support/orchestration-fixture.js';

// GET /bookings (E2 read model): filtered, by start time, keyset-paginated.
describe('GET /bookings', () => {
  let f: OrchestrationFixture;
  let rm: HttpClient;

  beforeAll(async () => {
    f = await startOrchestration('bookingList', { start: new Date('2026-12-01T09:00:00Z') });
    const sre = await f.as('sre', ['sre']);
    rm = await f.as('rm', ['release-manager']);
    for (const name of ['e1', 'e2', 'e3']) {
      await sre.post('/environments', environmentBody(name, 'test'));
      await rm.post(`/environments/${name}/bookings`, {
        releaseId: 'rel-9',
        phase: 'integration',
        from: '2026-12-05T00:00:00Z',
        until: '2026-12-06T00:00:00Z',
      });
    }
    await rm.post('/environments/e1/bookings', {
      releaseId: 'rel-8',
      phase: 'uat',
      from: '2026-12-02T00:00:00Z',
      until: '2026-12-03T00:00:00Z',
    });
    await f.settle();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('pages through a release’s bookings without skipping or repeating one', async () => {
    const first = await rm.get('/bookings?release=rel-9&limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-projection-lag']).toBe('0');
    expect(first.json().items).toHaveLength(2);
    const second = await rm.get(`/bookings?release=rel-9&limit=2&cursor=${first.json().nextCursor}`);
    expect(second.json()).toMatchObject({ nextCursor: null });
    const envs = [...first.json().items, ...second.json().items].map((b: { environment: string }) => b.environment);
    expect(envs.sort()).toEqual(['e1', 'e2', 'e3']);
  });

  it('filters by environment and lists by start time', async () => {
    const res = await rm.get('/bookings?environment=e1');
    expect(res.json().items.map((b: { releaseId: string }) => b.releaseId)).toEqual(['rel-8', 'rel-9']);
  });

  it('refuses a cursor it did not hand out (400)', async () => {
    const res = await rm.get('/bookings?cursor=bm9wZQ');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('RAILYARD_REQUEST_INVALID');
  });
});
