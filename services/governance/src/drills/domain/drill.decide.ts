import { GovernanceErrorCodes, invalid, type RollbackDrillEvent } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

/** Quarterly: the default drill interval (G6) when a service's schedule names none. */
export const DEFAULT_DRILL_INTERVAL_DAYS = 91;
const DAY_MS = 86_400_000;

export interface DrillResult {
  drillId: string;
  performedAt: string;
  timeToRollbackSeconds: number;
  dataIntact: boolean;
  issues: string[];
  recordedBy: string;
}

/** A service's drill record: its schedule, the drills performed, and the due date already declared overdue. */
export interface DrillState {
  service: string | null;
  intervalDays: number;
  nextDueAt: string | null;
  /** The due date a RollbackDrillOverdue was appended for; it stays overdue until a drill is recorded. */
  overdueFor: string | null;
  drills: DrillResult[];
}

export type ScheduleDrills = {
  type: 'ScheduleDrills';
  service: string;
  intervalDays?: number;
  nextDueAt?: string;
  reason: string;
  actor: string;
  at: Date;
};
export type RecordDrill = {
  type: 'RecordDrill';
  drillId: string;
  service: string;
  performedAt: string;
  timeToRollbackSeconds: number;
  dataIntact: boolean;
  issues: string[];
  actor: string;
  at: Date;
};
/** Issued by the scheduler on the service clock: declares the due date passed, once. */
export type DeclareDrillOverdue = { type: 'DeclareDrillOverdue'; service: string; at: Date };
export type DrillCommand = ScheduleDrills | RecordDrill | DeclareDrillOverdue;

const plusDays = (iso: string | Date, days: number) => new Date(new Date(iso).getTime() + days * DAY_MS).toISOString();

function schedule(c: ScheduleDrills, s: DrillState): RollbackDrillEvent[] {
  const intervalDays = c.intervalDays ?? s.intervalDays;
  // Without an explicit date, the next drill is due one interval after the last one (or after today).
  const last = s.drills.at(-1)?.performedAt;
  const nextDueAt = c.nextDueAt ? new Date(c.nextDueAt).toISOString() : plusDays(last ?? c.at, intervalDays);
  return [
    {
      type: 'RollbackDrillScheduled',
      data: { service: c.service, intervalDays, nextDueAt, scheduledBy: c.actor, reason: c.reason },
    },
  ];
}

function record(c: RecordDrill, s: DrillState): RollbackDrillEvent[] {
  if (new Date(c.performedAt).getTime() > c.at.getTime()) {
    throw invalid(GovernanceErrorCodes.DRILL_IN_FUTURE, 'A drill cannot be recorded before it is performed.', {
      performedAt: c.performedAt,
    });
  }
  const performedAt = new Date(c.performedAt).toISOString();
  return [
    {
      type: 'RollbackDrillRecorded',
      data: {
        drillId: c.drillId,
        service: c.service,
        performedAt,
        timeToRollbackSeconds: c.timeToRollbackSeconds,
        dataIntact: c.dataIntact,
        issues: c.issues,
        recordedBy: c.actor,
        nextDueAt: plusDays(performedAt, s.intervalDays),
      },
    },
  ];
}

function declareOverdue(c: DeclareDrillOverdue, s: DrillState): RollbackDrillEvent[] {
  // Once per due date: a later tick, or a standby's, finds it declared already.
  if (!s.nextDueAt || s.overdueFor === s.nextDueAt || new Date(s.nextDueAt).getTime() > c.at.getTime()) return [];
  return [
    { type: 'RollbackDrillOverdue', data: { service: c.service, dueAt: s.nextDueAt, detectedAt: c.at.toISOString() } },
  ];
}

/** Rollback drills per service (G6/R2), in `rollbackDrill-<service>`. */
export const drillDecider: Decider<DrillCommand, RollbackDrillEvent, DrillState> = {
  initialState: {
    service: null,
    intervalDays: DEFAULT_DRILL_INTERVAL_DAYS,
    nextDueAt: null,
    overdueFor: null,
    drills: [],
  },
  evolve(s, e) {
    switch (e.type) {
      case 'RollbackDrillScheduled':
        return { ...s, service: e.data.service, intervalDays: e.data.intervalDays, nextDueAt: e.data.nextDueAt };
      case 'RollbackDrillRecorded': {
        const { nextDueAt, service, ...result } = e.data;
        return { ...s, service, nextDueAt, overdueFor: null, drills: [...s.drills, result] };
      }
      case 'RollbackDrillOverdue':
        return { ...s, overdueFor: e.data.dueAt };
    }
  },
  decide(c, s) {
    switch (c.type) {
      case 'ScheduleDrills':
        return schedule(c, s);
      case 'RecordDrill':
        return record(c, s);
      case 'DeclareDrillOverdue':
        return declareOverdue(c, s);
    }
  },
};
