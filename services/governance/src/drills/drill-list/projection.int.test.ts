import {
  RollbackDrillOverdue,
  RollbackDrillRecorded,
  RollbackDrillScheduled,
  rollbackDrillStream,
} from '@railyard/contracts';
import { event, projectionSpecification } from '@railyard/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceFixture, startGovernance } from '../../test-support/governance-fixture.js';
import { drillListProjection } from './projection.js';

describe('rollback-drills projection', () => {
  let g: GovernanceFixture;
  beforeAll(async () => {
    g = await startGovernance('drillListProjection');
  });
  afterAll(async () => {
    await g?.close();
  });
  const rows = async () =>
    (
      await sql<Record<string, unknown>>`
        SELECT service, interval_days, next_due_at::text AS next_due_at, overdue_due_at::text AS overdue_due_at,
               last_performed_at::text AS last_performed_at, drill_count
          FROM governance.rollback_drills ORDER BY service`.execute(g.runtime.db)
    ).rows;

  it('keeps the schedule, the declared overdue date until a drill, and the drill count', async () => {
    await projectionSpecification(g.runtime.db, drillListProjection, rows)
      .given(
        rollbackDrillStream('payments'),
        event(RollbackDrillScheduled, {
          service: 'payments',
          intervalDays: 30,
          nextDueAt: '2026-10-01T00:00:00.000Z',
          scheduledBy: 'sre',
          reason: 'monthly',
        }),
        event(RollbackDrillOverdue, {
          service: 'payments',
          dueAt: '2026-10-01T00:00:00.000Z',
          detectedAt: '2026-10-02T00:00:00.000Z',
        }),
        event(RollbackDrillRecorded, {
          drillId: '0193a000-0000-7000-8000-0000000000d1',
          service: 'payments',
          performedAt: '2026-10-03T00:00:00.000Z',
          timeToRollbackSeconds: 60,
          dataIntact: true,
          issues: [],
          recordedBy: 'sre',
          nextDueAt: '2026-11-02T00:00:00.000Z',
        }),
      )
      .given(
        rollbackDrillStream('ledger'),
        event(RollbackDrillScheduled, {
          service: 'ledger',
          intervalDays: 91,
          nextDueAt: '2026-09-01T00:00:00.000Z',
          scheduledBy: 'sre',
          reason: 'R2',
        }),
        event(RollbackDrillOverdue, {
          service: 'ledger',
          dueAt: '2026-09-01T00:00:00.000Z',
          detectedAt: '2026-09-01T00:01:00.000Z',
        }),
      )
      .then([
        {
          service: 'ledger',
          interval_days: 91,
          next_due_at: '2026-09-01 00:00:00+00',
          overdue_due_at: '2026-09-01 00:00:00+00',
          last_performed_at: null,
          drill_count: 0,
        },
        {
          service: 'payments',
          interval_days: 30,
          next_due_at: '2026-11-02 00:00:00+00',
          overdue_due_at: null,
          last_performed_at: '2026-10-03 00:00:00+00',
          drill_count: 1,
        },
      ]);
  });
});
