// CEL (the Common Expression Language of Kubernetes admission policies and Google IAM conditions) through
// @marcbachmann/cel-js: a maintained, dependency-free evaluator of most of the spec, so policy authors write a
// standard language and nobody here maintains an expression parser.
import { parse } from '@marcbachmann/cel-js';
import {
  type GateResult,
  invalid,
  PipelineErrorCodes,
  type SecurityFinding,
  type SecurityRule,
} from '@railyard/contracts';

export interface SecurityException {
  exceptionId: string;
  findingId: string;
  expiresAt: string;
  requestedBy: string;
  approvedBy?: string;
}

export interface SecurityPolicyVersion {
  name: string;
  version: number;
  rules: SecurityRule[];
}

/** Refuses a rule whose expression is not CEL (422, naming the rule), so a broken policy is never recorded. */
export function checkRuleExpressions(rules: readonly SecurityRule[]): void {
  for (const rule of rules) {
    try {
      parse(rule.expression);
    } catch (error) {
      throw invalid(
        PipelineErrorCodes.POLICY_EXPRESSION_INVALID,
        `Rule ${rule.id}: ${(error as Error).message.split('\n')[0]}`,
        { rule: rule.id },
      );
    }
  }
}

/** The findings a run's security gate evaluates: the latest SAST and DAST scans, each finding with its kind. */
export function runFindings(scans: { sast?: readonly SecurityFinding[]; dast?: readonly SecurityFinding[] }) {
  return [
    ...(scans.sast ?? []).map((f) => ({ ...f, kind: 'sast' as const })),
    ...(scans.dast ?? []).map((f) => ({ ...f, kind: 'dast' as const })),
  ];
}

/** An exception counts when it is approved and `at` is before its expiry. */
export const exceptionActive = (e: SecurityException, at: Date) =>
  e.approvedBy !== undefined && at.getTime() < Date.parse(e.expiresAt);

/**
 * Evaluates a run's findings against a policy version at `at` (the clock comes in as data, so expiry is testable):
 * each rule is a CEL predicate over one finding; the findings it matches, minus those under an active exception,
 * block when there are more than the rule's maxCount. The first blocking rule decides, with its findings.
 */
export function evaluateSecurityGate(
  policy: SecurityPolicyVersion,
  findings: readonly (SecurityFinding & { kind: 'sast' | 'dast'; tool?: string })[],
  exceptions: readonly SecurityException[],
  environment: string,
  at: Date,
): GateResult {
  const excepted = new Set(exceptions.filter((e) => exceptionActive(e, at)).map((e) => e.findingId));
  const waived: string[] = [];
  for (const rule of policy.rules) {
    const predicate = parse(rule.expression);
    const matched = findings.filter((finding) => {
      const verdict = predicate({ finding: { ...finding, tool: finding.tool ?? '' }, environment });
      return verdict === true;
    });
    const blocking = matched.filter((f) => !excepted.has(f.id)).map((f) => f.id);
    waived.push(...matched.filter((f) => excepted.has(f.id)).map((f) => f.id));
    if (blocking.length > rule.maxCount) {
      return {
        gate: 'security',
        passed: false,
        rule: `${policy.name}@${policy.version}/${rule.id}`,
        detail: `${blocking.length} finding(s) match "${rule.description}" (at most ${rule.maxCount} allowed).`,
        findings: blocking,
      };
    }
  }
  return {
    gate: 'security',
    passed: true,
    rule: `${policy.name}@${policy.version}`,
    detail:
      waived.length > 0
        ? `Every rule passed; ${waived.length} finding(s) waived by active exceptions.`
        : 'Every rule passed.',
    findings: [...new Set(waived)],
  };
}
