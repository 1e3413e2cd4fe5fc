import { ErrorCodes, PlanningErrorCodes, RiskPolicyCreated, RiskPolicyVersionPublished } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { riskPolicyStream } from '../../risk-policies/risk-policy-commands.js';
import { cabRequested, manager, planned, readyForCab, rules } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/cab-submission', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('submitForCab');
  });
  afterAll(async () => {
    await s?.close();
  });
  const submit = (id: string, riskPolicyId: string) =>
    s.request('POST', `/releases/${id}/cab-submission`, manager, { riskPolicyId });
  const policy = (withVersion = true) => {
    const policyId = s.fresh().id;
    const events = [event(RiskPolicyCreated, { policyId, name: 'Default', createdBy: manager.id })];
    if (withVersion)
      events.push(event(RiskPolicyVersionPublished, { policyId, version: 1, rules, publishedBy: manager.id }));
    return { policyId, stream: riskPolicyStream(policyId), events };
  };

  it('a frozen release goes to the CAB with its risk under the policy: CabReviewRequested (round 1)', async () => {
    const { id, stream } = s.fresh();
    const p = policy();
    await s
      .given(id, ...readyForCab)
      .given(p.stream, ...p.events)
      .when(submit(id, p.policyId))
      .then({
        status: 200,
        body: { risk: { policyId: p.policyId, policyVersion: 1 }, release: { status: 'frozen' } },
        events: (res) => {
          const { score, level, quorum, factors } = res.json().risk;
          return {
            [stream]: releaseEventsOf(id, [
              {
                type: 'CabReviewRequested',
                data: {
                  releaseId: id,
                  round: 1,
                  submittedBy: manager.id,
                  policyId: p.policyId,
                  policyVersion: 1,
                  score,
                  level,
                  quorum,
                  factors,
                },
              },
            ]),
          };
        },
      });
  });

  it('404 PLANNING_RISK_POLICY_NOT_FOUND', async () => {
    const { id } = s.fresh();
    const p = policy();
    await s
      .given(id, ...readyForCab)
      .given(p.stream)
      .when(submit(id, p.policyId))
      .then({ status: 404, code: PlanningErrorCodes.RISK_POLICY_NOT_FOUND });
  });

  it('409 PLANNING_RISK_POLICY_NO_VERSION for a policy without a version', async () => {
    const { id } = s.fresh();
    const p = policy(false);
    await s
      .given(id, ...readyForCab)
      .given(p.stream, ...p.events)
      .when(submit(id, p.policyId))
      .then({ status: 409, code: PlanningErrorCodes.RISK_POLICY_NO_VERSION });
  });

  it('409 PLANNING_RELEASE_INVALID_TRANSITION for a release not frozen, or with a round still open', async () => {
    const p = policy();
    const draft = s.fresh().id;
    await s
      .given(draft, planned)
      .given(p.stream, ...p.events)
      .when(submit(draft, p.policyId))
      .then({ status: 409, code: PlanningErrorCodes.INVALID_TRANSITION });
    const inReview = s.fresh().id;
    await s
      .given(inReview, ...readyForCab, cabRequested())
      .when(submit(inReview, p.policyId))
      .then({ status: 409, code: PlanningErrorCodes.INVALID_TRANSITION, body: { round: 1 } });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    const p = policy();
    await s
      .spec()
      .given(p.stream, ...p.events)
      .when(submit(id, p.policyId))
      .then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });
});
