import { PlanningErrorCodes, RiskPolicyCreated, RiskPolicyVersionPublished } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cab1, manager, rules } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, startReleaseSpecs } from '../../test-support/release-spec.js';
import { riskPolicyStream } from '../risk-policy-commands.js';

describe('POST /risk-policies/:id/versions', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('publishRiskPolicy');
  });
  afterAll(async () => {
    await s?.close();
  });
  const publish = (policyId: string, body: unknown = { rules }) =>
    s.request('POST', `/risk-policies/${policyId}/versions`, cab1, body);
  const created = (policyId: string) => [
    event(RiskPolicyCreated, { policyId, name: 'Default', createdBy: manager.id }),
    event(RiskPolicyVersionPublished, { policyId, version: 1, rules, publishedBy: manager.id }),
  ];

  it('publishes the next version: RiskPolicyVersionPublished with version 2', async () => {
    const policyId = s.fresh().id;
    const stream = riskPolicyStream(policyId);
    await s
      .spec()
      .given(stream, ...created(policyId))
      .when(publish(policyId))
      .then({
        status: 201,
        events: {
          [stream]: [event(RiskPolicyVersionPublished, { policyId, version: 2, rules, publishedBy: cab1.id })],
        },
      });
  });

  it('404 PLANNING_RISK_POLICY_NOT_FOUND', async () => {
    const policyId = s.fresh().id;
    await s
      .spec()
      .given(riskPolicyStream(policyId))
      .when(publish(policyId))
      .then({ status: 404, code: PlanningErrorCodes.RISK_POLICY_NOT_FOUND });
  });

  it('422 PLANNING_RISK_POLICY_INVALID for a factor listed twice', async () => {
    const policyId = s.fresh().id;
    await s
      .spec()
      .given(riskPolicyStream(policyId), ...created(policyId))
      .when(publish(policyId, { rules: { ...rules, factors: [...rules.factors, rules.factors[0]] } }))
      .then({ status: 422, code: PlanningErrorCodes.RISK_POLICY_INVALID });
  });
});
