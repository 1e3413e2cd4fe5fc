import { PipelineErrorCodes as Codes, type SecurityRule } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import { checkRuleExpressions, evaluateSecurityGate, type SecurityException } from './security-gate.js';

const rules: SecurityRule[] = [
  { id: 'no-critical', description: 'no critical finding', expression: "finding.severity == 'critical'", maxCount: 0 },
  {
    id: 'few-high-in-prod',
    description: 'at most one high SAST finding in prod',
    expression: "finding.severity == 'high' && finding.kind == 'sast' && environment == 'prod'",
    maxCount: 1,
  },
];
const policy = { name: 'default', version: 3, rules };
const critical = { id: 'F-1', rule: 'sql-injection', severity: 'critical' as const, kind: 'sast' as const };
const high = (id: string) => ({ id, rule: 'xss', severity: 'high' as const, kind: 'sast' as const });
const at = new Date('2026-11-26T10:00:00Z');
const exception = (over: Partial<SecurityException> = {}): SecurityException => ({
  exceptionId: 'e1',
  findingId: 'F-1',
  expiresAt: '2026-11-26T12:00:00Z',
  requestedBy: 'dev',
  approvedBy: 'sec',
  ...over,
});

describe('the security gate (CEL rules)', () => {
  it('blocks on the first rule whose matches exceed its threshold, naming the rule and the findings', () => {
    expect(evaluateSecurityGate(policy, [critical, high('F-2')], [], 'staging', at)).toEqual({
      gate: 'security',
      passed: false,
      rule: 'default@3/no-critical',
      detail: '1 finding(s) match "no critical finding" (at most 0 allowed).',
      findings: ['F-1'],
    });
  });
  it('applies environment-scoped thresholds', () => {
    const findings = [high('F-2'), high('F-3')];
    expect(evaluateSecurityGate(policy, findings, [], 'staging', at).passed).toBe(true);
    const prod = evaluateSecurityGate(policy, findings, [], 'prod', at);
    expect([prod.passed, prod.rule, prod.findings]).toEqual([false, 'default@3/few-high-in-prod', ['F-2', 'F-3']]);
  });
  it('waives a finding under an approved exception until it expires', () => {
    const waived = evaluateSecurityGate(policy, [critical], [exception()], 'staging', at);
    expect([waived.passed, waived.findings]).toEqual([true, ['F-1']]);
    const expired = evaluateSecurityGate(
      policy,
      [critical],
      [exception()],
      'staging',
      new Date('2026-11-26T12:00:00Z'),
    );
    expect(expired.passed).toBe(false);
  });
  it('ignores an exception nobody approved', () => {
    expect(evaluateSecurityGate(policy, [critical], [exception({ approvedBy: undefined })], 'staging', at).passed).toBe(
      false,
    );
  });
  it('refuses an expression that is not CEL', () => {
    expect(() => checkRuleExpressions([{ ...rules[0]!, expression: 'finding.severity ==' }])).toThrow(
      expect.objectContaining({ code: Codes.POLICY_EXPRESSION_INVALID }),
    );
  });
});
