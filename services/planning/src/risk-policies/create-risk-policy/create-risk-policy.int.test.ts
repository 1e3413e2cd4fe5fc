import { PlanningErrorCodes, RiskPolicyCreated, RiskPolicyVersionPublished } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { manager, rules } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, startReleaseSpecs } from '../../test-support/release-spec.js';
import { riskPolicyStream } from '../risk-policy-commands.js';

describe('POST /risk-policies', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('createRiskPolicy');
  });
  afterAll(async () => {
    await s?.close();
  });
  const create = (body: Record<string, unknown>) =>
    s.request('POST', '/risk-policies', manager, { name: 'Default', rules, ...body });

  it('creates the policy with its first version: RiskPolicyCreated, RiskPolicyVersionPublished', async () => {
    await s
      .spec()
      .when(create({}))
      .then({
        status: 201,
        events: (res) => {
          const policyId = res.json().id as string;
          return {
            [riskPolicyStream(policyId)]: [
              event(RiskPolicyCreated, { policyId, name: 'Default', createdBy: manager.id }),
              event(RiskPolicyVersionPublished, { policyId, version: 1, rules, publishedBy: manager.id }),
            ],
          };
        },
      });
  });

  it('422 PLANNING_RISK_POLICY_INVALID for levels that do not start at 0', async () => {
    await s
      .spec()
      .when(create({ rules: { ...rules, levels: [{ level: 'low', minScore: 5, quorum: 1 }] } }))
      .then({ status: 422, code: PlanningErrorCodes.RISK_POLICY_INVALID });
  });
});
