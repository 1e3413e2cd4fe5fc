import { PipelineErrorCodes as Codes, type SecurityPolicyEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { securityPolicyDecider } from './security-policy.decide.js';

const sec = { id: 'sec-lee', kind: 'user' as const, roles: ['approver'] };
const dev = { id: 'dev-ana', kind: 'user' as const, roles: ['developer'] };
const at = new Date('2026-11-26T10:00:00Z');
const policyId = '0193a5b0-0000-7000-8000-0000000000ee';
const exceptionId = '0193a5b0-0000-7000-8000-0000000000ef';
const rules = [{ id: 'no-critical', description: 'none', expression: "finding.severity == 'critical'", maxCount: 0 }];
const v1: SecurityPolicyEvent = {
  type: 'SecurityPolicyVersioned',
  data: { policyId, name: 'default', version: 1, rules, reason: 'r' },
};
const requested: SecurityPolicyEvent = {
  type: 'SecurityExceptionRequested',
  data: {
    policyId,
    exceptionId,
    findingId: 'F-1',
    justification: 'patched upstream',
    expiresAt: '2026-11-27T10:00:00.000Z',
    requestedBy: 'dev-ana',
  },
};
const policy = spec(securityPolicyDecider);

describe('a security policy', () => {
  it('is versioned, and a broken CEL expression is refused', () => {
    policy.when({ type: 'VersionPolicy', actor: sec, at, policyId, name: 'default', rules, reason: 'r' }).then([v1]);
    policy
      .given([v1])
      .when({
        type: 'VersionPolicy',
        actor: sec,
        at,
        policyId,
        name: 'default',
        rules: [{ ...rules[0]!, maxCount: 1 }],
        reason: 'r',
      })
      .then([
        { type: 'SecurityPolicyVersioned', data: { ...v1.data, version: 2, rules: [{ ...rules[0]!, maxCount: 1 }] } },
      ]);
    policy
      .when({
        type: 'VersionPolicy',
        actor: sec,
        at,
        policyId,
        name: 'default',
        rules: [{ ...rules[0]!, expression: '(' }],
      })
      .thenThrows(Codes.POLICY_EXPRESSION_INVALID);
  });
  describe('when an exception is requested', () => {
    it('must expire in the future, within 90 days', () => {
      const ask = (expiresAt: Date) => ({
        type: 'RequestException' as const,
        actor: dev,
        at,
        exceptionId,
        findingId: 'F-1',
        justification: 'x',
        expiresAt,
      });
      policy.given([v1]).when(ask(at)).thenThrows(Codes.EXCEPTION_EXPIRY_INVALID);
      policy
        .given([v1])
        .when(ask(new Date('2027-06-01T00:00:00Z')))
        .thenThrows(Codes.EXCEPTION_EXPIRY_INVALID);
      policy
        .given([v1])
        .when({ ...ask(new Date('2026-11-27T10:00:00Z')), justification: 'patched upstream' })
        .then([requested]);
    });
    it('is approved by someone else, once', () => {
      policy
        .given([v1, requested])
        .when({ type: 'ApproveException', actor: dev, at, exceptionId })
        .thenThrows(Codes.EXCEPTION_SELF_APPROVAL);
      const approved: SecurityPolicyEvent = {
        type: 'SecurityExceptionApproved',
        data: { policyId, exceptionId, approvedBy: 'sec-lee', reason: 'ok' },
      };
      policy
        .given([v1, requested])
        .when({ type: 'ApproveException', actor: sec, at, exceptionId, reason: 'ok' })
        .then([approved]);
      policy
        .given([v1, requested, approved])
        .when({ type: 'ApproveException', actor: sec, at, exceptionId })
        .thenThrows(Codes.EXCEPTION_ALREADY_APPROVED);
    });
  });
  it('records nothing when the same rules come back with their keys in another order (jsonb)', () => {
    const reordered = rules.map((r) => Object.fromEntries(Object.entries(r).reverse()) as (typeof rules)[number]);
    policy
      .given([v1])
      .when({ type: 'VersionPolicy', actor: sec, at, policyId, name: 'default', rules: reordered, reason: 'again' })
      .then([]);
  });
});
