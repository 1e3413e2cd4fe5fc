/** Retention in days by stability and audit class (A5). */
export interface RetentionPolicy {
  /** Prerelease versions never promoted to prod. */
  snapshotDays: number;
  /** Release versions never promoted to prod. */
  releaseDays: number;
  /** Anything that reached the prod stage. */
  promotedToProdDays: number;
  /** Artifacts registered with auditClass = regulated. */
  regulatedDays: number;
  /** The stage whose promotion counts as "went to production". */
  prodStage: string;
}

/** The retention-relevant facts of one artifact. */
export interface RetentionFacts {
  registeredAt: Date;
  stability: 'release' | 'snapshot';
  auditClass: 'standard' | 'regulated';
  stages: readonly string[];
}

export interface RetentionDecision {
  /** The rule that keeps the artifact longest. */
  rule: 'snapshot' | 'release' | 'prod' | 'regulated';
  retainedUntil: Date;
  reason: string;
  /** The retention period is over (a legal hold still blocks the sweep). */
  expired: boolean;
}

const DAY_MS = 86_400_000;

/** Which rule applies and until when the content is kept: the longest of the rules that apply. Pure. */
export function retentionOf(facts: RetentionFacts, policy: RetentionPolicy, now: Date): RetentionDecision {
  const rules: { rule: RetentionDecision['rule']; days: number; reason: string }[] = [
    facts.stability === 'snapshot'
      ? { rule: 'snapshot', days: policy.snapshotDays, reason: `snapshots are kept ${policy.snapshotDays} days` }
      : { rule: 'release', days: policy.releaseDays, reason: `releases are kept ${policy.releaseDays} days` },
  ];
  if (facts.stages.includes(policy.prodStage)) {
    rules.push({
      rule: 'prod',
      days: policy.promotedToProdDays,
      reason: `artifacts promoted to ${policy.prodStage} are kept ${policy.promotedToProdDays} days`,
    });
  }
  if (facts.auditClass === 'regulated') {
    rules.push({
      rule: 'regulated',
      days: policy.regulatedDays,
      reason: `regulated artifacts are kept ${policy.regulatedDays} days`,
    });
  }
  const longest = rules.reduce((a, b) => (b.days > a.days ? b : a));
  const retainedUntil = new Date(facts.registeredAt.getTime() + longest.days * DAY_MS);
  return { rule: longest.rule, retainedUntil, reason: longest.reason, expired: retainedUntil <= now };
}
