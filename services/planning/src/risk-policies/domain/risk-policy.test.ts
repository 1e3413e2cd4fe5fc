import { type Actor, PlanningErrorCodes, type RiskPolicyEvent, type RiskPolicyRules } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { riskPolicyDecider } from './risk-policy.js';

const rm: Actor = { id: 'rm-ana', kind: 'user', roles: ['release-manager'] };
const at = new Date('2026-11-26T09:30:00Z');
const policyId = '0193a000-0000-7000-8000-0000000000aa';
const rules: RiskPolicyRules = {
  factors: [{ factor: 'scopeSize', weight: 1 }],
  levels: [
    { level: 'high', minScore: 20, quorum: 3 },
    { level: 'low', minScore: 0, quorum: 1 },
  ],
};
const sorted = { ...rules, levels: [rules.levels[1]!, rules.levels[0]!] };
const created: RiskPolicyEvent[] = [
  { type: 'RiskPolicyCreated', data: { policyId, name: 'Default', createdBy: rm.id } },
  { type: 'RiskPolicyVersionPublished', data: { policyId, version: 1, rules: sorted, publishedBy: rm.id } },
];
const policy = spec(riskPolicyDecider);

describe('risk policies (P3)', () => {
  it('creates a policy with its first version, levels in score order', () => {
    policy.when({ type: 'CreateRiskPolicy', actor: rm, at, policyId, name: 'Default', rules }).then(created);
  });
  it('publishes the next version, keeping the earlier ones', () => {
    policy
      .given(created)
      .when({ type: 'PublishRiskPolicyVersion', actor: rm, at, rules: sorted })
      .then([
        { type: 'RiskPolicyVersionPublished', data: { policyId, version: 2, rules: sorted, publishedBy: rm.id } },
      ]);
  });
  it('refuses rules that cannot score every release', () => {
    const bad = (r: RiskPolicyRules) =>
      policy
        .given(created)
        .when({ type: 'PublishRiskPolicyVersion', actor: rm, at, rules: r })
        .thenThrows(PlanningErrorCodes.RISK_POLICY_INVALID);
    bad({ ...rules, levels: [{ level: 'low', minScore: 5, quorum: 1 }] });
    bad({ ...rules, factors: [rules.factors[0]!, rules.factors[0]!] });
    bad({
      ...rules,
      levels: [
        { level: 'low', minScore: 0, quorum: 3 },
        { level: 'high', minScore: 9, quorum: 1 },
      ],
    });
  });
  it('answers not found for a policy that does not exist', () => {
    policy
      .when({ type: 'PublishRiskPolicyVersion', actor: rm, at, rules })
      .thenThrows(PlanningErrorCodes.RISK_POLICY_NOT_FOUND);
  });
});
