import { isDeepStrictEqual } from 'node:util';
import {
  type Actor,
  PipelineErrorCodes as Codes,
  invalid,
  notFound,
  ruleViolated,
  type SecurityPolicyEvent,
  type SecurityRule,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { checkRuleExpressions, type SecurityException, type SecurityPolicyVersion } from './security-gate.js';

export type SecurityPolicyState =
  | { exists: false; exceptions: SecurityException[] }
  | { exists: true; policyId: string; current: SecurityPolicyVersion; exceptions: SecurityException[] };

interface Issued {
  actor: Actor;
  at: Date;
  reason?: string;
}
export type SecurityPolicyCommand = Issued &
  (
    | { type: 'VersionPolicy'; policyId: string; name: string; rules: SecurityRule[] }
    | { type: 'RequestException'; exceptionId: string; findingId: string; justification: string; expiresAt: Date }
    | { type: 'ApproveException'; exceptionId: string }
  );

/** Exceptions are time-boxed: at most 90 days, so none outlives a quarterly review. */
const MAX_EXCEPTION_MS = 90 * 24 * 60 * 60 * 1000;

export const securityPolicyDecider: Decider<SecurityPolicyCommand, SecurityPolicyEvent, SecurityPolicyState> = {
  initialState: { exists: false, exceptions: [] },
  evolve(state, event) {
    switch (event.type) {
      case 'SecurityPolicyVersioned': {
        const { policyId, name, version, rules } = event.data;
        return { exists: true, policyId, current: { name, version, rules }, exceptions: state.exceptions };
      }
      case 'SecurityExceptionRequested': {
        const { exceptionId, findingId, expiresAt, requestedBy } = event.data;
        return { ...state, exceptions: [...state.exceptions, { exceptionId, findingId, expiresAt, requestedBy }] };
      }
      case 'SecurityExceptionApproved':
        return {
          ...state,
          exceptions: state.exceptions.map((e) =>
            e.exceptionId === event.data.exceptionId ? { ...e, approvedBy: event.data.approvedBy } : e,
          ),
        };
    }
  },
  decide(c, state) {
    if (c.type === 'VersionPolicy') {
      checkRuleExpressions(c.rules);
      const version = state.exists ? state.current.version + 1 : 1;
      // Structural, not textual: stored rules come back from jsonb with their keys reordered.
      if (state.exists && isDeepStrictEqual(state.current.rules, c.rules)) return [];
      return [
        {
          type: 'SecurityPolicyVersioned',
          data: {
            policyId: c.policyId,
            name: c.name,
            version,
            rules: c.rules,
            reason: c.reason ?? `Version ${version}.`,
          },
        },
      ];
    }
    if (!state.exists) throw notFound(Codes.POLICY_NOT_FOUND, 'No such security policy.');
    if (c.type === 'RequestException') {
      const span = c.expiresAt.getTime() - c.at.getTime();
      if (span <= 0 || span > MAX_EXCEPTION_MS) {
        throw invalid(Codes.EXCEPTION_EXPIRY_INVALID, 'An exception expires in the future, within 90 days.');
      }
      return [
        {
          type: 'SecurityExceptionRequested',
          data: {
            policyId: state.policyId,
            exceptionId: c.exceptionId,
            findingId: c.findingId,
            justification: c.justification,
            expiresAt: c.expiresAt.toISOString(),
            requestedBy: c.actor.id,
          },
        },
      ];
    }
    const exception = state.exceptions.find((e) => e.exceptionId === c.exceptionId);
    if (!exception) throw notFound(Codes.EXCEPTION_NOT_FOUND, 'No such exception.');
    if (exception.approvedBy)
      throw ruleViolated(Codes.EXCEPTION_ALREADY_APPROVED, 'The exception is already approved.');
    // Separation of duties: whoever asked for the waiver cannot grant it.
    if (exception.requestedBy === c.actor.id) {
      throw ruleViolated(Codes.EXCEPTION_SELF_APPROVAL, 'The requester of an exception cannot approve it.');
    }
    return [
      {
        type: 'SecurityExceptionApproved',
        data: {
          policyId: state.policyId,
          exceptionId: c.exceptionId,
          approvedBy: c.actor.id,
          reason: c.reason ?? 'Approved.',
        },
      },
    ];
  },
};
