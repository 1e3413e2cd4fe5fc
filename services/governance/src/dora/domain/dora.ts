import type { CauseClass, LinkRole } from '@railyard/contracts';
import { FactIndex, KnownAt, known } from './known-at.js';
import { type ThresholdTable, tiersOf } from './tiers.js';

export { FactIndex, KnownAt } from './known-at.js';

/**
 * G1: DORA figures computed exactly from facts, each fact with the instant the store recorded it, so a figure can be
 * asked as known at any instant ("then") or now, with no snapshot tables. Pure: the facts and instants come in.
 */

/** A production deployment as governance learnt it. Recording times say from when each part was known. */
export interface DeploymentFact {
  deploymentId: string;
  service: string;
  deployedAt: Date | null;
  rolledBackAt: Date | null;
  succeededRecordedAt: Date | null;
  rolledBackRecordedAt: Date | null;
  succeededEventId: string | null;
  rolledBackEventId: string | null;
}
export interface ChangeFact {
  deploymentId: string;
  sha: string;
  committedAt: Date;
  recordedAt: Date;
}
export interface LinkFact {
  incidentId: string;
  deploymentId: string;
  role: LinkRole;
  reason: string;
  linkedBy: string;
  linkedAt: Date;
  eventId: string;
  recordedAt: Date;
}
export interface ClassificationFact {
  incidentId: string;
  causeClass: CauseClass;
  cause: string | null;
  classifiedAt: Date;
  eventId: string;
  recordedAt: Date;
}
export interface DoraFacts {
  deployments: DeploymentFact[];
  changes: ChangeFact[];
  links: LinkFact[];
  classifications: ClassificationFact[];
}

export type Interval = 'daily' | 'weekly' | 'monthly' | 'all';

/**
 * Linear interpolation between closest ranks: Postgres's percentile_cont and numpy's default, so reporting's views
 * and the API agree. q in [0, 1]; null for no values.
 */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const xs = [...values].sort((a, b) => a - b);
  const pos = q * (xs.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  // Seconds to the millisecond: interpolation in binary floating point leaves noise (64800.000000000015).
  return Math.round((xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo)) * 1000) / 1000;
}

const ratio = (numerator: number, denominator: number) =>
  denominator === 0 ? null : Math.round((numerator / denominator) * 1e6) / 1e6;

/** The figures of one period [from, to) as known in `k`. */
export function figuresOf(k: KnownAt, from: Date, to: Date, thresholds: ThresholdTable) {
  const deployments = k.deploymentsIn(from, to);
  const verdicts = deployments.map((d) => k.verdict(d.deploymentId)!);
  const succeeded = deployments.filter((d) => d.succeeded);
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  const leads = succeeded.flatMap((d) => k.firstCommitsOf(d).map((c) => ({ ...c, deploymentId: d.deploymentId })));
  const leadSeconds = leads.map((l) => l.leadSeconds);
  const failed = verdicts.filter((v) => v.failed);
  const recovered = failed.filter((v) => v.recovery !== null);
  const rework = verdicts.filter((v) => v.rework);
  const ids = (vs: { deployment: { deploymentId: string } }[]) => vs.map((v) => v.deployment.deploymentId);
  const figures = {
    deploymentFrequency: {
      deployments: succeeded.length,
      perDay: Math.round((succeeded.length / days) * 1e6) / 1e6,
      deploymentIds: succeeded.map((d) => d.deploymentId),
    },
    leadTime: {
      commits: leads.length,
      medianSeconds: percentile(leadSeconds, 0.5),
      p90Seconds: percentile(leadSeconds, 0.9),
      deploymentIds: [...new Set(leads.map((l) => l.deploymentId))].sort(),
    },
    changeFailureRate: {
      numerator: failed.length,
      denominator: deployments.length,
      rate: ratio(failed.length, deployments.length),
      deploymentIds: ids(failed),
      denominatorDeploymentIds: deployments.map((d) => d.deploymentId),
    },
    recoveryTime: {
      failedDeployments: failed.length,
      recovered: recovered.length,
      medianSeconds: percentile(
        recovered.map((v) => v.recovery!.seconds),
        0.5,
      ),
      deploymentIds: ids(recovered),
      unrecoveredDeploymentIds: ids(failed.filter((v) => v.recovery === null)),
    },
    reworkRate: {
      numerator: rework.length,
      denominator: deployments.length,
      rate: ratio(rework.length, deployments.length),
      deploymentIds: ids(rework),
    },
  };
  const tiers = tiersOf(thresholds, {
    deploymentsPerDay: figures.deploymentFrequency.perDay,
    leadTimeMedianSeconds: figures.leadTime.medianSeconds,
    changeFailureRate: figures.changeFailureRate.rate,
    recoveryMedianSeconds: figures.recoveryTime.medianSeconds,
  });
  return { figures, tiers };
}
export type DoraFigures = ReturnType<typeof figuresOf>['figures'];

const DAY_MS = 86_400_000;

/** Period boundaries: UTC days, ISO weeks (from Monday), calendar months, or the whole range; clipped to [from, to). */
export function periodsOf(from: Date, to: Date, interval: Interval): { from: Date; to: Date }[] {
  if (interval === 'all') return [{ from, to }];
  const start = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  if (interval === 'weekly') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  if (interval === 'monthly') start.setUTCDate(1);
  const periods: { from: Date; to: Date }[] = [];
  for (let s = start; s.getTime() < to.getTime(); ) {
    const e =
      interval === 'daily'
        ? new Date(s.getTime() + DAY_MS)
        : interval === 'weekly'
          ? new Date(s.getTime() + 7 * DAY_MS)
          : new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1));
    periods.push({
      from: new Date(Math.max(s.getTime(), from.getTime())),
      to: new Date(Math.min(e.getTime(), to.getTime())),
    });
    s = e;
  }
  return periods;
}

/**
 * When a period's figures were first complete: the instant by which everything that happened up to the period's end
 * (deployments, rollbacks, links, classifications, by their own times) had been recorded, among the facts known in
 * `k`. Live, that is the period's end or just after; for history fed later, when that history was recorded.
 * Returns a lookup by period end: the known facts sorted by when they happened, with the running latest recording.
 */
function closings(k: KnownAt): (end: Date) => Date | null {
  const events: [happened: number, recorded: number][] = [];
  const add = (happened: Date | null, recorded: Date | null) => {
    if (happened && recorded && known(recorded, k.at)) events.push([happened.getTime(), recorded.getTime()]);
  };
  const { facts } = k.index;
  for (const d of facts.deployments) {
    add(d.deployedAt, d.succeededRecordedAt);
    add(d.rolledBackAt, d.rolledBackRecordedAt);
  }
  for (const l of facts.links) add(l.linkedAt, l.recordedAt);
  for (const c of facts.classifications) add(c.classifiedAt, c.recordedAt);
  events.sort((a, b) => a[0] - b[0]);
  const latest: number[] = [];
  for (const [, recorded] of events) latest.push(Math.max(recorded, latest.at(-1) ?? -Infinity));
  return (end) => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (events[mid]![0] < end.getTime()) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : new Date(latest[lo - 1]!);
  };
}

/**
 * The DORA report over [from, to) by interval, as known at `asOf`. A figure is restated when it differs from what it
 * was when its period closed (see closings): something about the period was recorded afterwards, such as an incident
 * linked after the fact or a fix deployed in a later period.
 */
export function doraReport(
  facts: DoraFacts,
  q: { from: Date; to: Date; interval: Interval; asOf: Date; thresholds: ThresholdTable },
) {
  const index = new FactIndex(facts);
  const asKnown = new KnownAt(index, q.asOf);
  const closedAt = closings(asKnown);
  return periodsOf(q.from, q.to, q.interval).map((p) => {
    const current = figuresOf(asKnown, p.from, p.to, q.thresholds);
    const closed = closedAt(p.to);
    const restated: string[] = [];
    if (closed) {
      const first = figuresOf(new KnownAt(index, closed), p.from, p.to, q.thresholds).figures;
      for (const name of Object.keys(current.figures) as (keyof DoraFigures)[]) {
        if (JSON.stringify(first[name]) !== JSON.stringify(current.figures[name])) restated.push(name);
      }
    }
    return {
      from: p.from,
      to: p.to,
      closedAt: closed,
      restated: restated.length > 0,
      restatedFigures: restated,
      ...current,
    };
  });
}
