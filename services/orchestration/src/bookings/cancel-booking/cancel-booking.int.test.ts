import { bookingCalendarStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../../test-support/orchestration-fixture.js';

// DELETE /environments/:name/bookings/:id (E2): the oldest waiting booking that fits gets the environment.
describe('DELETE /environments/:name/bookings/:id', () => {
  let f: OrchestrationFixture;
  let rm: HttpClient;

  beforeAll(async () => {
    f = await startOrchestration('cancelBooking', { start: new Date('2026-12-01T09:00:00Z') });
    await (await f.as('sre-sam', ['sre'])).post('/environments', environmentBody('perf', 'staging'));
    rm = await f.as('rm-ana', ['release-manager']);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('allocates the queue oldest first, and expires bookings on the scheduler tick', async () => {
    const book = (releaseId: string, from: string, until: string, whenBusy = 'refuse') =>
      rm.post('/environments/perf/bookings', { releaseId, phase: 'performance', from, until, whenBusy });
    const holder = await book('rel-a', '2026-12-02T00:00:00Z', '2026-12-04T00:00:00Z');
    const older = await book('rel-b', '2026-12-03T00:00:00Z', '2026-12-05T00:00:00Z', 'queue');
    const younger = await book('rel-c', '2026-12-03T00:00:00Z', '2026-12-04T00:00:00Z', 'queue');
    expect([holder.statusCode, older.statusCode, younger.statusCode]).toEqual([201, 202, 202]);

    const res = await rm.del(`/environments/perf/bookings/${holder.json().id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ cancelled: { status: 'cancelled' }, allocated: [older.json().id] });
    expect((await f.events(bookingCalendarStream('perf'))).slice(-2)).toEqual([
      {
        type: 'BookingCancelled',
        data: { environment: 'perf', bookingId: holder.json().id, wasQueued: false, cancelledBy: 'rm-ana' },
      },
      {
        type: 'BookingAllocatedFromQueue',
        data: { environment: 'perf', bookingId: older.json().id, releaseId: 'rel-b', freedBy: holder.json().id },
      },
    ]);

    // rel-b's booking ends on 5 December; rel-c's range has passed while it waited. The scheduler settles both.
    await f.settle();
    f.clock.now = new Date('2026-12-05T00:00:00Z');
    expect(await f.runtime.scheduler.tick()).toBe(2);
    expect((await f.events(bookingCalendarStream('perf'))).slice(-2).map((e) => e.type)).toEqual([
      'BookingExpired',
      'BookingCancelled',
    ]);
    await f.settle();
    const list = await rm.get('/bookings?environment=perf');
    expect(list.json().items.map((b: { releaseId: string; status: string }) => [b.releaseId, b.status])).toEqual([
      ['rel-a', 'cancelled'],
      ['rel-b', 'expired'],
      ['rel-c', 'cancelled'],
    ]);
  });

  it('is idempotent for a booking already gone, and 404s an unknown one', async () => {
    const list = await rm.get('/bookings?environment=perf&status=expired');
    const gone = list.json().items[0].id;
    const before = await f.head();
    expect((await rm.del(`/environments/perf/bookings/${gone}`)).statusCode).toBe(200);
    expect(await f.head()).toBe(before);
    const missing = await rm.del('/environments/perf/bookings/0193a000-0000-7000-8000-000000000999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('ORCHESTRATION_BOOKING_NOT_FOUND');
  });
});
