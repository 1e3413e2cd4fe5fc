import { ErrorCodes, RollbackDrillRecorded, RollbackDrillScheduled, rollbackDrillStream } from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceFixture, startGovernance } from '../../test-support/governance-fixture.js';

const now = new Date('2026-10-06T12:00:00.000Z');

describe('PUT /services/:service/drill-schedule', () => {
  let g: GovernanceFixture;
  beforeAll(async () => {
    g = await startGovernance('scheduleDrills', { now: () => now });
  });
  afterAll(async () => {
    await g?.close();
  });
  const put = (service: string, body: unknown) => async () => ({
    method: 'PUT' as const,
    url: `/services/${service}/drill-schedule`,
    headers: await g.auth('sre-1', ['sre']),
    payload: body,
  });

  it('schedules quarterly drills by default, the first due one interval from now', async () => {
    await httpSpecification(g)
      .when(put('payments', { reason: 'R2: every service drills its rollback' }))
      .then({
        status: 200,
        body: { service: 'payments', intervalDays: 91, nextDueAt: '2027-01-05T12:00:00.000Z', overdue: false },
        events: {
          [rollbackDrillStream('payments')]: [
            event(RollbackDrillScheduled, {
              service: 'payments',
              intervalDays: 91,
              nextDueAt: '2027-01-05T12:00:00.000Z',
              scheduledBy: 'sre-1',
              reason: 'R2: every service drills its rollback',
            }),
          ],
        },
      });
  });

  it('takes an interval and a due date; a later schedule counts from the last drill', async () => {
    await httpSpecification(g)
      .given(
        rollbackDrillStream('ledger'),
        event(RollbackDrillRecorded, {
          drillId: '0193a000-0000-7000-8000-0000000000d1',
          service: 'ledger',
          performedAt: '2026-09-01T00:00:00.000Z',
          timeToRollbackSeconds: 120,
          dataIntact: true,
          issues: [],
          recordedBy: 'sre-1',
          nextDueAt: '2026-12-01T00:00:00.000Z',
        }),
      )
      .when(put('ledger', { intervalDays: 30, reason: 'monthly after the outage' }))
      .then({
        status: 200,
        body: { intervalDays: 30, nextDueAt: '2026-10-01T00:00:00.000Z', overdue: true },
        events: {
          [rollbackDrillStream('ledger')]: [
            event(RollbackDrillScheduled, {
              service: 'ledger',
              intervalDays: 30,
              nextDueAt: '2026-10-01T00:00:00.000Z',
              scheduledBy: 'sre-1',
              reason: 'monthly after the outage',
            }),
          ],
        },
      });
  });

  it('400 RAILYARD_REQUEST_INVALID without a reason or with a zero interval, appending nothing', async () => {
    await httpSpecification(g)
      .given(rollbackDrillStream('search'))
      .when(put('search', { intervalDays: 0, reason: 'x' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    await httpSpecification(g)
      .given(rollbackDrillStream('search'))
      .when(put('search', { intervalDays: 30 }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
