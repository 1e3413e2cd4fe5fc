import type { CauseClass, LinkRole } from '@railyard/contracts';
import { type ThresholdTable, tiersOf } from './tiers.js';

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

const known = (recordedAt: Date | null, at: Date) => recordedAt !== null && recordedAt.getTime() <= at.getTime();
const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

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

/** What was known at one instant: the facts recorded by then, folded into per-deployment verdicts. */
export class KnownAt {
  readonly deployments = new Map<
    string,
    DeploymentFact & { countedAt: Date; succeeded: boolean; rolledBack: boolean }
  >();
  private readonly causeClass = new Map<string, ClassificationFact>();
  private readonly links: LinkFact[];
  private readonly changes: ChangeFact[];

  constructor(
    facts: DoraFacts,
    readonly at: Date,
  ) {
    for (const d of facts.deployments) {
      const succeeded = known(d.succeededRecordedAt, at) && d.deployedAt !== null;
      const rolledBack = known(d.rolledBackRecordedAt, at) && d.rolledBackAt !== null;
      if (!succeeded && !rolledBack) continue;
      const countedAt = succeeded ? d.deployedAt! : d.rolledBackAt!;
      this.deployments.set(d.deploymentId, { ...d, countedAt, succeeded, rolledBack });
    }
    for (const c of facts.classifications) {
      if (!known(c.recordedAt, at)) continue;
      const previous = this.causeClass.get(c.incidentId);
      if (!previous || previous.recordedAt.getTime() <= c.recordedAt.getTime()) this.causeClass.set(c.incidentId, c);
    }
    this.links = facts.links.filter((l) => known(l.recordedAt, at) && this.deployments.has(l.deploymentId));
    this.changes = facts.changes.filter((c) => known(c.recordedAt, at) && this.deployments.has(c.deploymentId));
  }

  classOf(incidentId: string): CauseClass {
    return this.causeClass.get(incidentId)?.causeClass ?? 'unknown';
  }

  /** Why a deployment counts as failed or not, its recovery and whether it was rework (GET /dora/deployments/:id). */
  verdict(deploymentId: string) {
    const d = this.deployments.get(deploymentId);
    if (!d) return undefined;
    const causeLinks = this.links.filter((l) => l.deploymentId === deploymentId && l.role === 'cause');
    const failing = causeLinks.filter((l) => this.classOf(l.incidentId) === 'change_induced');
    const reasons = [
      ...(d.rolledBack ? [{ kind: 'rolled-back' as const, at: d.rolledBackAt!, eventId: d.rolledBackEventId! }] : []),
      ...failing.map((l) => ({
        kind: 'change-induced-incident' as const,
        incidentId: l.incidentId,
        at: l.linkedAt,
        eventId: l.eventId,
        reason: l.reason,
        linkedBy: l.linkedBy,
      })),
    ];
    const notCounted = causeLinks
      .filter((l) => this.classOf(l.incidentId) !== 'change_induced')
      .map((l) => ({ incidentId: l.incidentId, causeClass: this.classOf(l.incidentId), eventId: l.eventId }));
    const failed = reasons.length > 0;
    let recovery: { at: Date; by: 'rollback' | 'fix'; deploymentId: string; seconds: number } | null = null;
    if (d.rolledBack) {
      recovery = { at: d.rolledBackAt!, by: 'rollback', deploymentId, seconds: seconds(d.countedAt, d.rolledBackAt!) };
    } else if (failed) {
      // The fix: the earliest later successful deployment linked as the remediation of an incident this one caused.
      const incidents = new Set(failing.map((l) => l.incidentId));
      const fixes = this.links
        .filter((l) => l.role === 'remediation' && incidents.has(l.incidentId))
        .map((l) => this.deployments.get(l.deploymentId)!)
        .filter((f) => f.succeeded && f.countedAt.getTime() > d.countedAt.getTime())
        .sort((a, b) => a.countedAt.getTime() - b.countedAt.getTime());
      const fix = fixes[0];
      if (fix) {
        recovery = {
          at: fix.countedAt,
          by: 'fix',
          deploymentId: fix.deploymentId,
          seconds: seconds(d.countedAt, fix.countedAt),
        };
      }
    }
    const remediates = [
      ...new Set(
        this.links.filter((l) => l.deploymentId === deploymentId && l.role === 'remediation').map((l) => l.incidentId),
      ),
    ];
    return { deployment: d, failed, reasons, notCounted, recovery, rework: remediates.length > 0, remediates };
  }

  /** Per (service, sha): the first successful production deployment containing the commit, and the lead time. */
  firstDeployments() {
    const first = new Map<
      string,
      { service: string; sha: string; deploymentId: string; at: Date; leadSeconds: number }
    >();
    for (const c of this.changes) {
      const d = this.deployments.get(c.deploymentId)!;
      if (!d.succeeded) continue;
      const key = `${d.service}\u0000${c.sha}`;
      const previous = first.get(key);
      const earlier =
        !previous ||
        d.countedAt.getTime() < previous.at.getTime() ||
        (d.countedAt.getTime() === previous.at.getTime() && d.deploymentId < previous.deploymentId);
      if (earlier) {
        first.set(key, {
          service: d.service,
          sha: c.sha,
          deploymentId: d.deploymentId,
          at: d.countedAt,
          leadSeconds: seconds(c.committedAt, d.countedAt),
        });
      }
    }
    return [...first.values()];
  }
}

const ratio = (numerator: number, denominator: number) =>
  denominator === 0 ? null : Math.round((numerator / denominator) * 1e6) / 1e6;
const byTime = (a: { countedAt: Date; deploymentId: string }, b: { countedAt: Date; deploymentId: string }) =>
  a.countedAt.getTime() - b.countedAt.getTime() || a.deploymentId.localeCompare(b.deploymentId);

/** The figures of one period [from, to) as known in `k`. */
export function figuresOf(k: KnownAt, from: Date, to: Date, thresholds: ThresholdTable) {
  const inPeriod = (at: Date) => at.getTime() >= from.getTime() && at.getTime() < to.getTime();
  const deployments = [...k.deployments.values()].filter((d) => inPeriod(d.countedAt)).sort(byTime);
  const verdicts = deployments.map((d) => k.verdict(d.deploymentId)!);
  const succeeded = deployments.filter((d) => d.succeeded);
  const days = seconds(from, to) / 86_400;
  const leads = k.firstDeployments().filter((f) => inPeriod(f.at));
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
 */
function closedAt(k: KnownAt, facts: DoraFacts, end: Date): Date | null {
  const before = (t: Date | null) => t !== null && t.getTime() < end.getTime();
  const recorded: number[] = [];
  for (const d of k.deployments.values()) {
    if (d.succeeded && before(d.deployedAt)) recorded.push(d.succeededRecordedAt!.getTime());
    if (d.rolledBack && before(d.rolledBackAt)) recorded.push(d.rolledBackRecordedAt!.getTime());
  }
  for (const l of facts.links)
    if (known(l.recordedAt, k.at) && before(l.linkedAt)) recorded.push(l.recordedAt.getTime());
  for (const c of facts.classifications) {
    if (known(c.recordedAt, k.at) && before(c.classifiedAt)) recorded.push(c.recordedAt.getTime());
  }
  return recorded.length ? new Date(Math.max(...recorded)) : null;
}

/**
 * The DORA report over [from, to) by interval, as known at `asOf`. A figure is restated when it differs from what it
 * was when its period closed (see closedAt): something about the period was recorded afterwards, such as an incident
 * linked after the fact or a fix deployed in a later period.
 */
export function doraReport(
  facts: DoraFacts,
  q: { from: Date; to: Date; interval: Interval; asOf: Date; thresholds: ThresholdTable },
) {
  const asKnown = new KnownAt(facts, q.asOf);
  return periodsOf(q.from, q.to, q.interval).map((p) => {
    const current = figuresOf(asKnown, p.from, p.to, q.thresholds);
    const closed = closedAt(asKnown, facts, p.to);
    const restated: string[] = [];
    if (closed) {
      const first = figuresOf(new KnownAt(facts, closed), p.from, p.to, q.thresholds).figures;
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
