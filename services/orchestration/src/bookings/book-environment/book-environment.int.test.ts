import { bookingCalendarStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../../test-support/orchestration-fixture.js';

// POST /environments/:name/bookings (E2, E3): confirmed, refused with the conflicting booking named, or queued.
describe('POST /environments/:name/bookings', () => {
  let f: OrchestrationFixture;
  let rm: HttpClient;

  beforeAll(async () => {
    f = await startOrchestration('bookEnv', { start: new Date('2026-12-01T09:00:00Z') });
    const sre = await f.as('sre-sam', ['sre']);
    await sre.post('/environments', environmentBody('qa', 'test'));
    await sre.post('/datasets', { name: 'customers', classification: 'confidential', productionDerived: true });
    await sre.post('/datasets', { name: 'catalogue', classification: 'internal', productionDerived: true });
    rm = await f.as('rm-ana', ['release-manager']);
  });
  afterAll(async () => {
    await f?.close();
  });

  const range = { from: '2026-12-02T08:00:00+01:00', until: '2026-12-03T08:00:00+01:00' };

  it('confirms a booking (times normalised to UTC) and records BookingConfirmed', async () => {
    const res = await rm.post('/environments/qa/bookings', {
      releaseId: 'rel-1',
      phase: 'uat',
      ...range,
      datasets: ['catalogue'],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'confirmed',
      from: '2026-12-02T07:00:00.000Z',
      until: '2026-12-03T07:00:00.000Z',
    });
    expect(await f.events(bookingCalendarStream('qa'))).toEqual([
      {
        type: 'BookingConfirmed',
        data: {
          environment: 'qa',
          bookingId: res.json().id,
          releaseId: 'rel-1',
          phase: 'uat',
          from: '2026-12-02T07:00:00.000Z',
          until: '2026-12-03T07:00:00.000Z',
          datasets: ['catalogue'],
          bookedBy: 'rm-ana',
          requestedAt: '2026-12-01T09:00:00.000Z',
        },
      },
    ]);
  });

  it('refuses an overlap with 409 naming the booking, or queues it when asked', async () => {
    const before = await f.head();
    const refused = await rm.post('/environments/qa/bookings', { releaseId: 'rel-2', phase: 'uat', ...range });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('ORCHESTRATION_BOOKING_CONFLICT');
    expect(await f.head()).toBe(before);
    const queued = await rm.post('/environments/qa/bookings', {
      releaseId: 'rel-2',
      phase: 'uat',
      ...range,
      whenBusy: 'queue',
    });
    expect(queued.statusCode).toBe(202);
    expect((await f.events(bookingCalendarStream('qa'))).at(-1)).toMatchObject({
      type: 'BookingQueued',
      data: { bookingId: queued.json().id, conflictsWith: [expect.any(String)] },
    });
  });

  it('refuses production-derived confidential data without an attestation: 409 and nothing appended', async () => {
    const before = await f.head();
    const res = await rm.post('/environments/qa/bookings', {
      releaseId: 'rel-3',
      phase: 'integration',
      from: '2026-12-10T00:00:00Z',
      until: '2026-12-11T00:00:00Z',
      datasets: ['customers'],
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'ORCHESTRATION_MASKING_ATTESTATION_REQUIRED',
      refusals: [{ dataset: 'customers', classification: 'confidential', reason: 'no-attestation' }],
    });
    expect(await f.head()).toBe(before);
  });

  it('replays a retried request with the same Idempotency-Key instead of booking twice', async () => {
    const headers = { ...(await f.auth('rm-ana', ['release-manager'])), 'idempotency-key': 'book-rel-4' };
    const payload = {
      releaseId: 'rel-4',
      phase: 'performance',
      from: '2026-12-20T00:00:00Z',
      until: '2026-12-21T00:00:00Z',
    };
    const first = await f.app.inject({ method: 'POST', url: '/environments/qa/bookings', headers, payload });
    const second = await f.app.inject({ method: 'POST', url: '/environments/qa/bookings', headers, payload });
    expect(first.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    const rel4 = (await f.events(bookingCalendarStream('qa'))).filter(
      (e) => (e.data as { releaseId: string }).releaseId === 'rel-4',
    );
    expect(rel4).toHaveLength(1);
  });
});
