import type { RiskFactor, RiskLevel, RiskPolicyRules } from '@railyard/contracts';
import type { PlannedRelease } from './release.js';

export interface RiskContribution {
  factor: RiskFactor;
  measure: number;
  weight: number;
  contribution: number;
  explanation?: string;
  overdueDrills?: OverdueDrill[];
}

/** A service whose rollback drill governance declared overdue (G6/R2), as planning learnt it from the bus. */
export interface OverdueDrill {
  service: string;
  dueAt: string;
}

/** What the release's own history cannot tell: facts from other services, passed in by the slice (pure decider). */
export interface RiskContext {
  overdueDrills: readonly OverdueDrill[];
}
const NO_CONTEXT: RiskContext = { overdueDrills: [] };

/** The overdue drills of the services in the release's accepted scope, one per service, by service name. */
export function overdueInScope(release: PlannedRelease, context: RiskContext): OverdueDrill[] {
  const services = new Set(
    release.scope.filter((i) => i.state === 'accepted').flatMap((i) => (i.service ? [i.service] : [])),
  );
  const seen = new Map<string, OverdueDrill>();
  for (const d of context.overdueDrills) if (services.has(d.service) && !seen.has(d.service)) seen.set(d.service, d);
  return [...seen.values()].sort((a, b) => a.service.localeCompare(b.service));
}
export interface RiskAssessment {
  score: number;
  level: RiskLevel;
  quorum: number;
  factors: RiskContribution[];
}

/** What each factor counts on the release (P3: the score must be explainable, so every measure is a count). */
export function measure(release: PlannedRelease, factor: RiskFactor, context: RiskContext = NO_CONTEXT): number {
  const accepted = release.scope.filter((i) => i.state === 'accepted');
  switch (factor) {
    case 'scopeSize':
      return accepted.length;
    case 'criticalServices':
      return accepted.filter((i) => i.criticality === 'high').length;
    case 'complianceFlags':
      return release.requirements.length;
    case 'openDependencies':
      return release.dependencies.filter((d) => d.status !== 'ready').length;
    case 'exceptionsGranted':
      return release.exceptions.filter((x) => x.status === 'approved' || x.status === 'used').length;
    case 'rollbackReadiness': {
      // Services in scope without criteria, and one more when the release has no criteria at all.
      const covered = new Set(release.rollbackCriteria.map((c) => c.service));
      const services = new Set(accepted.flatMap((i) => (i.service ? [i.service] : [])));
      const missing = [...services].filter((s) => !covered.has(s)).length;
      return missing + (release.rollbackCriteria.length === 0 ? 1 : 0);
    }
    case 'blastRadius': {
      const teams = [...accepted.map((i) => i.team), ...release.dependencies.flatMap((d) => [d.from.team, d.to.team])];
      return new Set(teams.map((t) => t.toLowerCase())).size;
    }
    case 'overdueRollbackDrills':
      return overdueInScope(release, context).length;
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The words and the evidence of a factor that counts facts from outside the release (its measure alone is a count). */
function explain(release: PlannedRelease, factor: RiskFactor, context: RiskContext): Partial<RiskContribution> {
  if (factor !== 'overdueRollbackDrills') return {};
  const overdue = overdueInScope(release, context);
  const explanation =
    overdue.length === 0
      ? 'No service in scope has an overdue rollback drill.'
      : overdue.map((d) => `${d.service}: rollback drill overdue since ${d.dueAt}`).join('; ');
  return { explanation, overdueDrills: overdue };
}

/**
 * The risk score under one policy version: Σ weight × min(measure, cap). The level is the highest whose minimum
 * the score reaches; its quorum is how many CAB approvals the release needs. A factor counts only when the policy
 * version weighs it (the score stays versioned: a new factor reaches a policy through a new version).
 */
export function assessRisk(
  release: PlannedRelease,
  rules: RiskPolicyRules,
  context: RiskContext = NO_CONTEXT,
): RiskAssessment {
  const factors = rules.factors.map(({ factor, weight, cap }) => {
    const m = measure(release, factor, context);
    const contribution = round2(weight * Math.min(m, cap ?? m));
    return { factor, measure: m, weight, contribution, ...explain(release, factor, context) };
  });
  const score = round2(factors.reduce((sum, f) => sum + f.contribution, 0));
  const levels = [...rules.levels].sort((a, b) => a.minScore - b.minScore);
  const level = levels.filter((l) => l.minScore <= score).at(-1) ?? levels[0]!;
  return { score, level: level.level, quorum: level.quorum, factors };
}
