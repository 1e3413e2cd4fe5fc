import { PlanningErrorCodes, type ReleaseEvent } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cab1, cab2, cabRequested, dev, policyId, readyForCab } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

const inReview = (quorum = 2): ReleaseEvent[] => [...readyForCab, cabRequested(quorum)];

describe('POST /releases/:id/cab-votes', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('castCabVote');
  });
  afterAll(async () => {
    await s?.close();
  });
  const vote = (id: string, body: Record<string, unknown>, by = cab1) =>
    s.request('POST', `/releases/${id}/cab-votes`, by, body);
  const decision = (id: string, voters: string[]) => ({
    releaseId: id,
    round: 1,
    policyId,
    policyVersion: 1,
    score: 12,
    level: 'medium' as const,
    voters,
  });

  it('a vote below the quorum is recorded alone: CabVoteCast', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, ...inReview())
      .when(vote(id, { vote: 'approve' }))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            { type: 'CabVoteCast', data: { releaseId: id, round: 1, voter: cab1.id, vote: 'approve' } },
          ]),
        },
      });
  });

  it('the vote reaching the quorum approves: CabVoteCast then CabDecisionRecorded', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, ...inReview(1))
      .when(vote(id, { vote: 'approve' }))
      .then({
        status: 200,
        body: { status: 'cab-approved' },
        events: {
          [stream]: releaseEventsOf(id, [
            { type: 'CabVoteCast', data: { releaseId: id, round: 1, voter: cab1.id, vote: 'approve' } },
            {
              type: 'CabDecisionRecorded',
              data: { ...decision(id, [cab1.id]), decision: 'approved', conditions: [] },
            },
          ]),
        },
      });
  });

  it('one rejection rejects the round, with its reason', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, ...inReview())
      .when(vote(id, { vote: 'reject', reason: 'Too risky' }))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            {
              type: 'CabVoteCast',
              data: { releaseId: id, round: 1, voter: cab1.id, vote: 'reject', reason: 'Too risky' },
            },
            {
              type: 'CabDecisionRecorded',
              data: { ...decision(id, [cab1.id]), decision: 'rejected', reason: 'Too risky', conditions: [] },
            },
          ]),
        },
      });
  });

  it('409 PLANNING_CAB_NOT_IN_REVIEW before the submission', async () => {
    const { id } = s.fresh();
    await s
      .given(id, ...readyForCab)
      .when(vote(id, { vote: 'approve' }))
      .then({ status: 409, code: PlanningErrorCodes.CAB_NOT_IN_REVIEW });
  });

  it('409 PLANNING_CAB_SELF_VOTE for a scope author', async () => {
    const { id } = s.fresh();
    await s
      .given(id, ...inReview())
      .when(vote(id, { vote: 'approve' }, { ...dev, roles: ['cab-member'] }))
      .then({ status: 409, code: PlanningErrorCodes.CAB_SELF_VOTE });
  });

  it('409 PLANNING_CAB_ALREADY_VOTED', async () => {
    const { id } = s.fresh();
    await s
      .given(id, ...inReview(), {
        type: 'CabVoteCast',
        data: { releaseId: id, round: 1, voter: cab2.id, vote: 'approve' },
      })
      .when(vote(id, { vote: 'approve' }, cab2))
      .then({ status: 409, code: PlanningErrorCodes.CAB_ALREADY_VOTED });
  });

  it('422 PLANNING_CAB_REASON_REQUIRED for a rejection without a reason', async () => {
    const { id } = s.fresh();
    await s
      .given(id, ...inReview())
      .when(vote(id, { vote: 'reject' }))
      .then({ status: 422, code: PlanningErrorCodes.CAB_REASON_REQUIRED });
  });

  it('422 PLANNING_CAB_CONDITIONS_REQUIRED for an approval with conditions that lists none', async () => {
    const { id } = s.fresh();
    await s
      .given(id, ...inReview())
      .when(vote(id, { vote: 'approve-with-conditions' }))
      .then({ status: 422, code: PlanningErrorCodes.CAB_CONDITIONS_REQUIRED });
  });

  it('409 PLANNING_ROLLBACK_CRITERIA_MISSING when the approving vote finds no criteria', async () => {
    const { id } = s.fresh();
    const withoutCriteria = readyForCab.filter((e) => e.type !== 'RollbackCriteriaPublished');
    await s
      .given(id, ...withoutCriteria, cabRequested(1))
      .when(vote(id, { vote: 'approve' }))
      .then({ status: 409, code: PlanningErrorCodes.ROLLBACK_CRITERIA_MISSING });
  });

  it('409 PLANNING_COMPLIANCE_UNMET when the approving vote finds a mandatory requirement unmet', async () => {
    const { id } = s.fresh();
    const unmet = readyForCab.filter((e) => e.type !== 'ComplianceEvidenceReviewed');
    await s
      .given(id, ...unmet, cabRequested(1))
      .when(vote(id, { vote: 'approve' }))
      .then({ status: 409, code: PlanningErrorCodes.COMPLIANCE_UNMET });
  });
});
