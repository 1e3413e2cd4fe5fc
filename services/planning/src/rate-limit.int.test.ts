import { ReleasePlanned } from '@railyard/contracts';
import { appendedSince, createTestDatabase, type TestDatabase, testInfra, testSubjectPrefix } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanningAsMain, startPlanningAsMain } from './test-support/planning-as-main.js';

// The limit comes from the environment through main()'s composition, and a refused command changes nothing.
describe('planning rate limit (RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS)', () => {
  let db: TestDatabase;
  let service: PlanningAsMain;

  beforeAll(async () => {
    db = await createTestDatabase('ratelimit');
    service = await startPlanningAsMain({
      DATABASE_URL: db.url,
      NATS_URL: (await testInfra()).natsUrl,
      SUBJECT_PREFIX: testSubjectPrefix('ratelimit'),
      RATE_LIMIT_MAX: '5',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
  });
  afterAll(async () => {
    await service?.dropBus();
    await service?.close();
    await db?.drop();
  });

  it('answers the sixth command in the window with 429 and Retry-After, appending nothing', async () => {
    const app = service.runtime.app;
    const headers = await service.auth('rm-ana', ['release-manager']);
    const plan = () =>
      app.inject({ method: 'POST', url: '/releases', headers, payload: { name: 'R', targetDate: '2027-03-01' } });
    for (let i = 0; i < 5; i++) expect((await plan()).statusCode).toBe(201);
    const refused = await plan();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('RAILYARD_REQUEST_RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const planned = await appendedSince(service.infra.store, 0n, { eventTypes: [ReleasePlanned.type] });
    expect(planned).toHaveLength(5);
    // Another principal is not affected by rm-ana's budget.
    const other = await service.auth('rm-bo', ['release-manager']);
    const res = await app.inject({
      method: 'POST',
      url: '/releases',
      headers: other,
      payload: { name: 'R', targetDate: '2027-03-01' },
    });
    expect(res.statusCode).toBe(201);
  });
});
