import type { CauseClass } from '@railyard/contracts';
import type { ClassificationFact, DeploymentFact, DoraFacts, LinkFact } from './dora.js';

export const known = (recordedAt: Date | null, at: Date) => recordedAt !== null && recordedAt.getTime() <= at.getTime();
export const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

/** A deployment's time for DORA: when it succeeded, or, if it never did, when it was rolled back. */
const timeOf = (d: DeploymentFact) => (d.deployedAt ?? d.rolledBackAt)?.getTime() ?? null;

function push<K, V>(index: Map<K, V[]>, key: K, value: V) {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

/**
 * The facts indexed once per report, so asking them "as known at" many instants (one per period and its close)
 * costs what each period touches, not a pass over the whole history.
 */
export class FactIndex {
  /** Deployments with a time, in time order (then id). */
  readonly byTime: DeploymentFact[];
  readonly times: number[];
  readonly byId = new Map<string, DeploymentFact>();
  readonly changesOf = new Map<string, DoraFacts['changes']>();
  /** Per service and commit: the deployments that succeeded with it, in time order, with the commit's fact. */
  readonly carriers = new Map<string, { deployment: DeploymentFact; committedAt: Date; recordedAt: Date }[]>();
  readonly linksOfDeployment = new Map<string, LinkFact[]>();
  readonly linksOfIncident = new Map<string, LinkFact[]>();
  /** Per incident, its classifications oldest recorded first. */
  readonly classificationsOf = new Map<string, ClassificationFact[]>();

  constructor(readonly facts: DoraFacts) {
    const byTime = (a: DeploymentFact, b: DeploymentFact) =>
      timeOf(a)! - timeOf(b)! || (a.deploymentId < b.deploymentId ? -1 : a.deploymentId > b.deploymentId ? 1 : 0);
    this.byTime = facts.deployments.filter((d) => timeOf(d) !== null).sort(byTime);
    this.times = this.byTime.map((d) => timeOf(d)!);
    for (const d of facts.deployments) this.byId.set(d.deploymentId, d);
    for (const c of facts.changes) {
      push(this.changesOf, c.deploymentId, c);
      const d = this.byId.get(c.deploymentId);
      if (d?.deployedAt) push(this.carriers, `${d.service}\u0000${c.sha}`, { deployment: d, ...c });
    }
    for (const list of this.carriers.values()) list.sort((a, b) => byTime(a.deployment, b.deployment));
    for (const l of facts.links) {
      push(this.linksOfDeployment, l.deploymentId, l);
      push(this.linksOfIncident, l.incidentId, l);
    }
    for (const c of facts.classifications) push(this.classificationsOf, c.incidentId, c);
    for (const list of this.classificationsOf.values())
      list.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
  }

  /** Index of the first deployment at or after `time` in byTime. */
  firstFrom(time: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export type KnownDeployment = DeploymentFact & { countedAt: Date; succeeded: boolean; rolledBack: boolean };

/** What was known at one instant: only the facts the store had recorded by then. Lazy: asks only what it needs. */
export class KnownAt {
  readonly index: FactIndex;
  private readonly memo = new Map<string, KnownDeployment | null>();

  constructor(
    facts: FactIndex | DoraFacts,
    readonly at: Date,
  ) {
    this.index = facts instanceof FactIndex ? facts : new FactIndex(facts);
  }

  deployment(id: string): KnownDeployment | undefined {
    let d = this.memo.get(id);
    if (d === undefined) {
      const fact = this.index.byId.get(id);
      const succeeded = !!fact && known(fact.succeededRecordedAt, this.at) && fact.deployedAt !== null;
      const rolledBack = !!fact && known(fact.rolledBackRecordedAt, this.at) && fact.rolledBackAt !== null;
      d =
        fact && (succeeded || rolledBack)
          ? { ...fact, countedAt: new Date(timeOf(fact)!), succeeded, rolledBack }
          : null;
      this.memo.set(id, d);
    }
    return d ?? undefined;
  }

  /** The deployments known by then whose time falls in [from, to), in time order. */
  deploymentsIn(from: Date, to: Date): KnownDeployment[] {
    const out: KnownDeployment[] = [];
    const { byTime, times } = this.index;
    for (let i = this.index.firstFrom(from.getTime()); i < byTime.length && times[i]! < to.getTime(); i++) {
      const d = this.deployment(byTime[i]!.deploymentId);
      if (d) out.push(d);
    }
    return out;
  }

  classOf(incidentId: string): CauseClass {
    let causeClass: CauseClass = 'unknown';
    for (const c of this.index.classificationsOf.get(incidentId) ?? []) {
      if (known(c.recordedAt, this.at)) causeClass = c.causeClass;
    }
    return causeClass;
  }

  private linksOf(deploymentId: string): LinkFact[] {
    return (this.index.linksOfDeployment.get(deploymentId) ?? []).filter((l) => known(l.recordedAt, this.at));
  }

  /** Why a deployment counts as failed or not, its recovery and whether it was rework (GET /dora/deployments/:id). */
  verdict(deploymentId: string) {
    const d = this.deployment(deploymentId);
    if (!d) return undefined;
    const own = this.linksOf(deploymentId);
    const causeLinks = own.filter((l) => l.role === 'cause');
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
      const fixes = [...new Set(failing.map((l) => l.incidentId))]
        .flatMap((incidentId) => this.index.linksOfIncident.get(incidentId) ?? [])
        .filter((l) => l.role === 'remediation' && known(l.recordedAt, this.at))
        .map((l) => this.deployment(l.deploymentId))
        .filter((f): f is KnownDeployment => !!f && f.succeeded && f.countedAt.getTime() > d.countedAt.getTime())
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
    const remediates = [...new Set(own.filter((l) => l.role === 'remediation').map((l) => l.incidentId))];
    return { deployment: d, failed, reasons, notCounted, recovery, rework: remediates.length > 0, remediates };
  }

  /**
   * The commits a successful deployment was the first to bring to production (per service, as known then), each with
   * its lead time: committedAt → that deployment.
   */
  firstCommitsOf(d: KnownDeployment): { sha: string; leadSeconds: number }[] {
    if (!d.succeeded) return [];
    const out: { sha: string; leadSeconds: number }[] = [];
    for (const c of this.index.changesOf.get(d.deploymentId) ?? []) {
      if (!known(c.recordedAt, this.at)) continue;
      const carriers = this.index.carriers.get(`${d.service}\u0000${c.sha}`) ?? [];
      const first = carriers.find(
        (x) => known(x.recordedAt, this.at) && this.deployment(x.deployment.deploymentId)?.succeeded,
      );
      if (first?.deployment.deploymentId === d.deploymentId) {
        out.push({ sha: c.sha, leadSeconds: seconds(c.committedAt, d.countedAt) });
      }
    }
    return out;
  }
}
