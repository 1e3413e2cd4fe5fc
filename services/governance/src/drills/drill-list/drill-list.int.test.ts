import {
  GovernanceErrorCodes,
  RollbackDrillOverdue,
  RollbackDrillScheduled,
  rollbackDrillStream,
} from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceFixture, startGovernance } from '../../test-support/governance-fixture.js';

let now = new Date('2026-09-30T12:00:00.000Z');

describe('drills overdue: the scheduler, GET /drills and GET /services/:service/drills', () => {
  let g: GovernanceFixture;
  beforeAll(async () => {
    g = await startGovernance('drillList', { now: () => now });
  });
  afterAll(async () => {
    await g?.close();
  });
  const get = async (url: string) =>
    g.app.inject({ method: 'GET', url, headers: await g.auth('auditor-1', ['auditor']) });

  it('declares a passed due date overdue once, flags it in the list, and a drill clears it', async () => {
    const headers = await g.auth('sre-1', ['sre']);
    for (const [service, nextDueAt] of [
      ['payments', '2026-10-01T00:00:00Z'],
      ['ledger', '2027-01-01T00:00:00Z'],
    ]) {
      const put = await g.app.inject({
        method: 'PUT',
        url: `/services/${service}/drill-schedule`,
        headers,
        payload: { nextDueAt, reason: 'R2' },
      });
      expect(put.statusCode).toBe(200);
    }
    await waitFor(
      'the drill list',
      async () =>
        (await g.pool.query('SELECT count(*)::int AS n FROM governance.rollback_drills')).rows[0].n === 2 || undefined,
    );
    await g.runtime.drillScheduler.tick();
    expect(await g.store.readStream(rollbackDrillStream('payments'))).toHaveLength(1);

    now = new Date('2026-10-02T00:00:00.000Z');
    await g.runtime.drillScheduler.tick();
    const events = async () => (await g.store.readStream(rollbackDrillStream('payments'))).map((e) => e.type);
    expect(await events()).toEqual([RollbackDrillScheduled.type, RollbackDrillOverdue.type]);
    const overdue = (await g.store.readStream(rollbackDrillStream('payments')))[1]!;
    expect(overdue.data).toEqual({
      service: 'payments',
      dueAt: '2026-10-01T00:00:00.000Z',
      detectedAt: '2026-10-02T00:00:00.000Z',
    });
    // Once: a second pass (after the projection has seen the declaration, or before) appends nothing.
    await g.runtime.drillScheduler.tick();
    await waitFor(
      'the overdue flag',
      async () =>
        (await g.pool.query(`SELECT overdue_due_at FROM governance.rollback_drills WHERE service = 'payments'`)).rows[0]
          .overdue_due_at ?? undefined,
    );
    await g.runtime.drillScheduler.tick();
    expect(await events()).toEqual([RollbackDrillScheduled.type, RollbackDrillOverdue.type]);

    const list = await get('/drills?overdue=true');
    expect(list.statusCode).toBe(200);
    expect(list.json().drills).toEqual([
      {
        service: 'payments',
        intervalDays: 91,
        nextDueAt: '2026-10-01T00:00:00.000Z',
        overdue: true,
        overdueDeclaredFor: '2026-10-01T00:00:00.000Z',
        lastPerformedAt: null,
      },
    ]);
    expect((await get('/drills')).json().drills.map((d: { service: string }) => d.service)).toEqual([
      'payments',
      'ledger',
    ]);

    const drill = await g.app.inject({
      method: 'POST',
      url: '/services/payments/drills',
      headers,
      payload: { performedAt: '2026-10-01T20:00:00Z', timeToRollbackSeconds: 90, dataIntact: true, issues: [] },
    });
    expect(drill.statusCode).toBe(201);
    await waitFor(
      'the overdue flag cleared',
      async () => (await get('/drills?overdue=true')).json().drills.length === 0 || undefined,
    );
    const one = await get('/services/payments/drills');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      service: 'payments',
      overdue: false,
      nextDueAt: '2026-12-31T20:00:00.000Z',
      drills: [{ timeToRollbackSeconds: 90, dataIntact: true, recordedBy: 'sre-1' }],
    });
  });

  it('404 GOVERNANCE_DRILL_SERVICE_UNKNOWN for a service with no schedule or drill', async () => {
    const res = await get('/services/nothing-here/drills');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe(GovernanceErrorCodes.DRILL_SERVICE_UNKNOWN);
  });
});
