import { GovernanceErrorCodes as Codes, type DeploymentPolicyEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { policyDecider } from './policy.decide.js';

const at = new Date('2026-11-02T09:00:00Z');
const document = {
  tiers: { prod: { requiredApprovals: 2, allowedStrategies: ['canary' as const], requiredChecks: ['load-test'] } },
  freezeRules: [],
};
const finding = { kind: 'audit-finding' as const, ref: 'AUD-7', description: 'two approvals in prod' };
const v1: DeploymentPolicyEvent = {
  type: 'DeploymentPolicyPublished',
  data: {
    policyName: 'standard',
    version: 1,
    document,
    reason: finding,
    publishedBy: 'rm',
    publishedAt: at.toISOString(),
  },
};
const publish = (over: Record<string, unknown> = {}) => ({
  type: 'PublishPolicyVersion' as const,
  policyName: 'standard',
  document,
  reason: finding,
  actor: 'rm',
  at,
  ...over,
});
const retroReason = { kind: 'retrospective-action' as const, ref: 'r/a', description: 'rehearse migrations' };
const requireCheck = {
  type: 'RequireCheck' as const,
  policyName: 'standard',
  tiers: ['prod' as const],
  check: 'migration-rehearsal',
  reason: retroReason,
  actor: 'rm',
  at,
};

describe('policy decider', () => {
  describe('when no version exists', () => {
    it('publishes version 1', () => {
      spec(policyDecider)
        .when(publish({ baseVersion: 0 }))
        .then([v1]);
    });
    it('refuses a base version that is not 0', () => {
      spec(policyDecider)
        .when(publish({ baseVersion: 1 }))
        .thenThrows(Codes.POLICY_VERSION_STALE);
    });
    it('cannot require a check of a policy that does not exist', () => {
      spec(policyDecider).when(requireCheck).thenThrows(Codes.POLICY_NOT_FOUND);
    });
  });
  describe('when version 1 is in force', () => {
    it('refuses an identical document, and a stale base', () => {
      spec(policyDecider).given([v1]).when(publish()).thenThrows(Codes.POLICY_UNCHANGED);
      spec(policyDecider)
        .given([v1])
        .when(publish({ baseVersion: 0, document: { ...document, freezeRules: [], tiers: {} } }))
        .thenThrows(Codes.POLICY_VERSION_STALE);
    });
    it('requires a check on a tier as version 2, once per retrospective item', () => {
      const v2: DeploymentPolicyEvent = {
        type: 'DeploymentPolicyPublished',
        data: {
          ...v1.data,
          version: 2,
          document: {
            ...document,
            tiers: { prod: { ...document.tiers.prod, requiredChecks: ['load-test', 'migration-rehearsal'] } },
          },
          reason: retroReason,
        },
      };
      spec(policyDecider).given([v1]).when(requireCheck).then([v2]);
      spec(policyDecider)
        .given([v1, v2])
        .when({ ...requireCheck, check: 'other' })
        .thenThrows(Codes.POLICY_REASON_ALREADY_APPLIED);
    });
    it('refuses a tier the policy has no rules for', () => {
      spec(policyDecider)
        .given([v1])
        .when({ ...requireCheck, tiers: ['staging'] })
        .thenThrows(Codes.POLICY_TIER_NOT_COVERED);
    });
  });
});
