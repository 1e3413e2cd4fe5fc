import { GovernanceErrorCodes, type RollbackDrillEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { drillDecider } from './drill.decide.js';

const service = 'payments';
const at = new Date('2026-10-06T12:00:00Z');
const scheduled: RollbackDrillEvent = {
  type: 'RollbackDrillScheduled',
  data: { service, intervalDays: 91, nextDueAt: '2026-10-01T00:00:00.000Z', scheduledBy: 'sre', reason: 'R2' },
};
const overdue: RollbackDrillEvent = {
  type: 'RollbackDrillOverdue',
  data: { service, dueAt: '2026-10-01T00:00:00.000Z', detectedAt: at.toISOString() },
};
const drill = {
  type: 'RecordDrill' as const,
  drillId: '0193a000-0000-7000-8000-0000000000d1',
  service,
  performedAt: '2026-10-05T09:00:00.000Z',
  timeToRollbackSeconds: 240,
  dataIntact: true,
  issues: ['runbook step 3 outdated'],
  actor: 'sre',
  at,
};

describe('drill decider', () => {
  describe('with no schedule', () => {
    it('schedules quarterly from now by default', () => {
      spec(drillDecider)
        .when({ type: 'ScheduleDrills', service, reason: 'R2', actor: 'sre', at })
        .then([
          {
            type: 'RollbackDrillScheduled',
            data: {
              service,
              intervalDays: 91,
              nextDueAt: '2027-01-05T12:00:00.000Z',
              scheduledBy: 'sre',
              reason: 'R2',
            },
          },
        ]);
    });
    it('declares nothing overdue', () => {
      spec(drillDecider).when({ type: 'DeclareDrillOverdue', service, at }).thenNothing();
    });
  });

  describe('when scheduled', () => {
    it('records a drill with the next due date one interval later', () => {
      const { type: _t, actor: _a, at: _at, ...data } = drill;
      spec(drillDecider)
        .given([scheduled])
        .when(drill)
        .then([
          {
            type: 'RollbackDrillRecorded',
            data: { ...data, recordedBy: 'sre', nextDueAt: '2027-01-04T09:00:00.000Z' },
          },
        ]);
    });
    it('refuses a drill performed in the future', () => {
      spec(drillDecider)
        .given([scheduled])
        .when({ ...drill, performedAt: '2026-10-07T00:00:00.000Z' })
        .thenThrows(GovernanceErrorCodes.DRILL_IN_FUTURE);
    });
    it('declares the passed due date overdue, once', () => {
      spec(drillDecider).given([scheduled]).when({ type: 'DeclareDrillOverdue', service, at }).then([overdue]);
      spec(drillDecider).given([scheduled, overdue]).when({ type: 'DeclareDrillOverdue', service, at }).thenNothing();
    });
    it('declares nothing before the due date', () => {
      spec(drillDecider)
        .given([scheduled])
        .when({ type: 'DeclareDrillOverdue', service, at: new Date('2026-09-30T00:00:00Z') })
        .thenNothing();
    });
  });
});
