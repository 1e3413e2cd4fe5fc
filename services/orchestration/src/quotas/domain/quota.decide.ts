import {
  OrchestrationErrorCodes as Codes,
  notFound,
  type QuotaDemand,
  type QuotaEvent,
  type QuotaExcess,
  type QuotaLimits,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

export interface QuotaHold {
  deploymentId: string;
  demand: QuotaDemand;
}
export type QuotaState =
  | { exists: false }
  | {
      exists: true;
      team: string;
      environment: string;
      limits: QuotaLimits;
      whenExceeded: 'refuse' | 'queue';
      reservations: QuotaHold[];
      /** Waiting deployments, oldest first. */
      queue: QuotaHold[];
    };

export type QuotaCommand =
  | {
      type: 'SetQuota';
      team: string;
      environment: string;
      limits: QuotaLimits;
      whenExceeded: 'refuse' | 'queue';
      actor: string;
    }
  | { type: 'ReserveQuota'; deploymentId: string; demand: QuotaDemand }
  | { type: 'ReleaseQuota'; deploymentId: string };

/** Current use: one concurrent deployment per reservation plus the units each declared. */
export function quotaUse(reservations: readonly QuotaHold[]) {
  return reservations.reduce(
    (u, r) => ({
      concurrentDeployments: u.concurrentDeployments + 1,
      instances: u.instances + r.demand.instances,
      cpuUnits: u.cpuUnits + r.demand.cpuUnits,
      memoryUnits: u.memoryUnits + r.demand.memoryUnits,
    }),
    { concurrentDeployments: 0, instances: 0, cpuUnits: 0, memoryUnits: 0 },
  );
}

/**
 * Which limits one more deployment with this demand would break, and by how much (E5). Pure, so the deploy check
 * and part 2's deployments ask the same question. Empty means it fits.
 */
export function quotaExcess(
  limits: QuotaLimits,
  reservations: readonly QuotaHold[],
  demand: QuotaDemand,
): QuotaExcess[] {
  const use = quotaUse(reservations);
  const wouldUse = {
    concurrentDeployments: use.concurrentDeployments + 1,
    instances: use.instances + demand.instances,
    cpuUnits: use.cpuUnits + demand.cpuUnits,
    memoryUnits: use.memoryUnits + demand.memoryUnits,
  };
  return (Object.keys(wouldUse) as (keyof QuotaLimits)[])
    .filter((limit) => wouldUse[limit] > limits[limit])
    .map((limit) => ({ limit, max: limits[limit], wouldUse: wouldUse[limit], over: wouldUse[limit] - limits[limit] }));
}

/** "instances 12 > 10 (over by 2)", for reasons a person reads. */
export const describeExcess = (excess: readonly QuotaExcess[]) =>
  excess.map((x) => `${x.limit} ${x.wouldUse} > ${x.max} (over by ${x.over})`).join(', ');

/** Admits waiting deployments, oldest first, while the head fits: FIFO, so a small late one never jumps the line. */
function admitFromQueue(s: Extract<QuotaState, { exists: true }>): QuotaEvent[] {
  const events: QuotaEvent[] = [];
  const held = [...s.reservations];
  for (const w of s.queue) {
    if (quotaExcess(s.limits, held, w.demand).length > 0) break;
    held.push(w);
    events.push({
      type: 'QuotaReserved',
      data: {
        team: s.team,
        environment: s.environment,
        deploymentId: w.deploymentId,
        demand: w.demand,
        fromQueue: true,
      },
    });
  }
  return events;
}

export const quotaDecider: Decider<QuotaCommand, QuotaEvent, QuotaState> = {
  initialState: { exists: false },
  evolve(s, e) {
    if (e.type === 'QuotaSet') {
      const { team, environment, limits, whenExceeded } = e.data;
      return s.exists
        ? { ...s, limits, whenExceeded }
        : { exists: true, team, environment, limits, whenExceeded, reservations: [], queue: [] };
    }
    if (!s.exists) return s;
    const hold = (d: { deploymentId: string; demand: QuotaDemand }) => ({
      deploymentId: d.deploymentId,
      demand: d.demand,
    });
    switch (e.type) {
      case 'QuotaReserved':
        return {
          ...s,
          reservations: [...s.reservations, hold(e.data)],
          queue: s.queue.filter((q) => q.deploymentId !== e.data.deploymentId),
        };
      case 'QuotaReservationQueued':
        return { ...s, queue: [...s.queue, hold(e.data)] };
      case 'QuotaReleased':
        return {
          ...s,
          reservations: s.reservations.filter((r) => r.deploymentId !== e.data.deploymentId),
          queue: s.queue.filter((q) => q.deploymentId !== e.data.deploymentId),
        };
      default:
        return s;
    }
  },
  decide(c, s) {
    if (c.type === 'SetQuota') {
      const set: QuotaEvent = {
        type: 'QuotaSet',
        data: {
          team: c.team,
          environment: c.environment,
          limits: c.limits,
          whenExceeded: c.whenExceeded,
          setBy: c.actor,
        },
      };
      const after = quotaDecider.evolve(s, set);
      // Raised limits may let waiting deployments in at once.
      return after.exists ? [set, ...admitFromQueue(after)] : [set];
    }
    if (!s.exists) throw notFound(Codes.QUOTA_NOT_FOUND, 'No quota for this team in this environment.');
    const known = [...s.reservations, ...s.queue].find((r) => r.deploymentId === c.deploymentId);
    if (c.type === 'ReserveQuota') {
      if (known)
        throw ruleViolated(Codes.RESERVATION_EXISTS, `Deployment ${c.deploymentId} already holds or awaits quota.`);
      const base = { team: s.team, environment: s.environment, deploymentId: c.deploymentId, demand: c.demand };
      const excess = quotaExcess(s.limits, s.reservations, c.demand);
      if (excess.length === 0) return [{ type: 'QuotaReserved', data: { ...base, fromQueue: false } }];
      if (s.whenExceeded === 'queue') return [{ type: 'QuotaReservationQueued', data: { ...base, exceeded: excess } }];
      throw ruleViolated(
        Codes.QUOTA_EXCEEDED,
        `Team ${s.team} is over its quota in ${s.environment}: ${describeExcess(excess)}.`,
        { exceeded: excess },
      );
    }
    if (!known) throw notFound(Codes.RESERVATION_NOT_FOUND, `Deployment ${c.deploymentId} holds no quota here.`);
    const released: QuotaEvent = {
      type: 'QuotaReleased',
      data: {
        team: s.team,
        environment: s.environment,
        deploymentId: c.deploymentId,
        wasQueued: s.queue.some((q) => q.deploymentId === c.deploymentId),
      },
    };
    const after = quotaDecider.evolve(s, released);
    return after.exists ? [released, ...admitFromQueue(after)] : [released];
  },
};
