import type { RiskFactor, RiskLevel, RiskPolicyRules } from '@railyard/contracts';
import type { PlannedRelease } from './release.js';

export interface RiskContribution {
  factor: RiskFactor;
  measure: number;
  weight: number;
  contribution: number;
}
export interface RiskAssessment {
  score: number;
  level: RiskLevel;
  quorum: number;
  factors: RiskContribution[];
}

/** What each factor counts on the release (P3: the score must be explainable, so every measure is a count). */
export function measure(release: PlannedRelease, factor: RiskFactor): number {
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
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The risk score under one policy version: Σ weight × min(measure, cap). The level is the highest whose minimum
 * the score reaches; its quorum is how many CAB approvals the release needs.
 */
export function assessRisk(release: PlannedRelease, rules: RiskPolicyRules): RiskAssessment {
  const factors = rules.factors.map(({ factor, weight, cap }) => {
    const m = measure(release, factor);
    return { factor, measure: m, weight, contribution: round2(weight * Math.min(m, cap ?? m)) };
  });
  const score = round2(factors.reduce((sum, f) => sum + f.contribution, 0));
  const levels = [...rules.levels].sort((a, b) => a.minScore - b.minScore);
  const level = levels.filter((l) => l.minScore <= score).at(-1) ?? levels[0]!;
  return { score, level: level.level, quorum: level.quorum, factors };
}
