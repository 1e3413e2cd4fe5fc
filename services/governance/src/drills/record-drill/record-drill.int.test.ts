import {
  ErrorCodes,
  GovernanceErrorCodes,
  RollbackDrillRecorded,
  RollbackDrillScheduled,
  rollbackDrillStream,
} from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceFixture, startGovernance } from '../../test-support/governance-fixture.js';

const now = new Date('2026-10-06T12:00:00.000Z');
const scheduled = (service: string) =>
  event(RollbackDrillScheduled, {
    service,
    intervalDays: 30,
    nextDueAt: '2026-10-01T00:00:00.000Z',
    scheduledBy: 'sre-1',
    reason: 'monthly',
  });

describe('POST /services/:service/drills', () => {
  let g: GovernanceFixture;
  beforeAll(async () => {
    g = await startGovernance('recordDrill', { now: () => now });
  });
  afterAll(async () => {
    await g?.close();
  });
  const post = (service: string, body: unknown) => async () => ({
    method: 'POST' as const,
    url: `/services/${service}/drills`,
    headers: await g.auth('sre-2', ['sre']),
    payload: body,
  });
  const result = { timeToRollbackSeconds: 240, dataIntact: false, issues: ['orders table replayed twice'] };

  it('records the result; the next drill falls due one interval after it was performed', async () => {
    await httpSpecification(g)
      .given(rollbackDrillStream('payments'), scheduled('payments'))
      .when(post('payments', { performedAt: '2026-10-05T09:00:00Z', ...result }))
      .then({
        status: 201,
        body: { service: 'payments', nextDueAt: '2026-11-04T09:00:00.000Z' },
        events: (response) => ({
          [rollbackDrillStream('payments')]: [
            event(RollbackDrillRecorded, {
              drillId: JSON.parse(response.body).drillId,
              service: 'payments',
              performedAt: '2026-10-05T09:00:00.000Z',
              ...result,
              recordedBy: 'sre-2',
              nextDueAt: '2026-11-04T09:00:00.000Z',
            }),
          ],
        }),
      });
  });

  it('uses the quarterly default for a service never scheduled', async () => {
    await httpSpecification(g)
      .when(post('search', { performedAt: '2026-10-01T00:00:00Z', ...result }))
      .then({
        status: 201,
        body: { nextDueAt: '2026-12-31T00:00:00.000Z' },
        events: {
          [rollbackDrillStream('search')]: [
            event(RollbackDrillRecorded, {
              drillId: expect.any(String),
              service: 'search',
              performedAt: '2026-10-01T00:00:00.000Z',
              ...result,
              recordedBy: 'sre-2',
              nextDueAt: '2026-12-31T00:00:00.000Z',
            }),
          ],
        },
      });
  });

  it('422 GOVERNANCE_DRILL_IN_FUTURE for a drill performed after now, appending nothing', async () => {
    await httpSpecification(g)
      .given(rollbackDrillStream('ledger'), scheduled('ledger'))
      .when(post('ledger', { performedAt: '2026-10-07T00:00:00Z', ...result }))
      .then({ status: 422, code: GovernanceErrorCodes.DRILL_IN_FUTURE });
  });

  it('400 RAILYARD_REQUEST_INVALID for a negative time to roll back or an unknown field', async () => {
    await httpSpecification(g)
      .given(rollbackDrillStream('ledger'))
      .when(post('ledger', { performedAt: '2026-10-05T00:00:00Z', ...result, timeToRollbackSeconds: -1 }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    await httpSpecification(g)
      .given(rollbackDrillStream('ledger'))
      .when(post('ledger', { performedAt: '2026-10-05T00:00:00Z', ...result, passed: true }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
