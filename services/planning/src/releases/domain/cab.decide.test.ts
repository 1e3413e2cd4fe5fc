import { PlanningErrorCodes, type ReleaseEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import {
  accepted,
  added,
  cab1,
  cab2,
  cabRequested,
  cmd,
  criteria,
  dep1,
  dep2,
  dependency,
  dev,
  evidence,
  frozen,
  itemA,
  manager,
  planned,
  policyId,
  readyForCab,
  releaseId,
  requirement,
  rules,
} from '../../test-support/release-history.js';
import { releaseDecider } from './release.decide.js';

const release = spec(releaseDecider);
const submit = cmd({ type: 'SubmitForCab', actor: manager, policy: { policyId, version: 3, rules } });
const vote = (actor: typeof cab1, v: 'approve' | 'reject' | 'approve-with-conditions', extra = {}) =>
  cmd({ type: 'CastCabVote', actor, vote: v, ...extra });
const cast = (voter: string, v: 'approve' | 'reject' | 'approve-with-conditions', extra = {}): ReleaseEvent => ({
  type: 'CabVoteCast',
  data: { releaseId, round: 1, voter, vote: v, ...extra },
});
const decision = { releaseId, round: 1, policyId, policyVersion: 1, score: 12, level: 'medium' as const };

describe('CAB review (P3)', () => {
  describe('submitting', () => {
    it('is refused before the freeze', () => {
      release
        .given([planned, added(itemA, 'x'), accepted(itemA)])
        .when(submit)
        .thenThrows(PlanningErrorCodes.INVALID_TRANSITION);
    });
    it('scores the release under the policy version given, explaining every factor', () => {
      const [event] = release
        .given(readyForCab)
        .when(submit)
        .then([
          {
            type: 'CabReviewRequested',
            data: {
              releaseId,
              round: 1,
              submittedBy: manager.id,
              policyId,
              policyVersion: 3,
              // 2×1 scope + 5×min(1, 2) critical + 10×0 rollback readiness = 7: low, one approval.
              score: 7,
              level: 'low',
              quorum: 1,
              factors: [
                { factor: 'scopeSize', measure: 1, weight: 2, contribution: 2 },
                { factor: 'criticalServices', measure: 1, weight: 5, contribution: 5 },
                { factor: 'rollbackReadiness', measure: 0, weight: 10, contribution: 0 },
              ],
            },
          },
        ]);
      expect(event).toBeDefined();
    });
    it('counts missing rollback criteria as risk, and the level sets the quorum', () => {
      const noCriteria = readyForCab.filter((e) => e.type !== 'RollbackCriteriaPublished');
      const [event] = release
        .given(noCriteria)
        .when(submit)
        .then([expect.anything() as unknown as ReleaseEvent]);
      // payments-api has no criteria (1) and the release has none at all (1): 10 × 2 more.
      expect(event!.data).toMatchObject({ score: 27, level: 'medium', quorum: 2 });
    });
    it('measures the blast radius as the distinct teams touched by scope and dependencies', () => {
      const withDeps = [
        ...readyForCab.slice(0, -1),
        dependency(dep1, 'Payments', 'identity'),
        dependency(dep2, 'web', 'identity'),
        readyForCab.at(-1)!,
      ];
      const blast = { ...rules, factors: [{ factor: 'blastRadius' as const, weight: 4 }] };
      const [event] = release
        .given(withDeps)
        .when(cmd({ type: 'SubmitForCab', actor: manager, policy: { policyId, version: 1, rules: blast } }))
        .then([expect.anything() as unknown as ReleaseEvent]);
      // payments (scope and dependency), identity, web.
      expect(event!.data).toMatchObject({
        score: 12,
        factors: [{ factor: 'blastRadius', measure: 3, contribution: 12 }],
      });
    });
    it('counts each service in scope whose rollback drill is overdue, naming it and its due date', () => {
      const drills = { ...rules, factors: [{ factor: 'overdueRollbackDrills' as const, weight: 5 }] };
      const overdueDrills = [
        { service: 'search', dueAt: '2026-09-01T00:00:00.000Z' }, // not in scope: does not count
        { service: 'payments-api', dueAt: '2026-10-01T00:00:00.000Z' },
      ];
      const [event] = release
        .given(readyForCab)
        .when(
          cmd({ type: 'SubmitForCab', actor: manager, policy: { policyId, version: 1, rules: drills }, overdueDrills }),
        )
        .then([expect.anything() as unknown as ReleaseEvent]);
      expect(event!.data).toMatchObject({
        score: 5,
        factors: [
          {
            factor: 'overdueRollbackDrills',
            measure: 1,
            contribution: 5,
            explanation: 'payments-api: rollback drill overdue since 2026-10-01T00:00:00.000Z',
            overdueDrills: [{ service: 'payments-api', dueAt: '2026-10-01T00:00:00.000Z' }],
          },
        ],
      });
      const [none] = release
        .given(readyForCab)
        .when(cmd({ type: 'SubmitForCab', actor: manager, policy: { policyId, version: 1, rules: drills } }))
        .then([expect.anything() as unknown as ReleaseEvent]);
      expect(none!.data).toMatchObject({ score: 0, factors: [{ measure: 0, overdueDrills: [] }] });
    });
    it('is refused while a round is open', () => {
      release
        .given([...readyForCab, cabRequested()])
        .when(submit)
        .thenThrows(PlanningErrorCodes.INVALID_TRANSITION);
    });
  });

  describe('voting', () => {
    const inReview = [...readyForCab, cabRequested(2)];
    it('is refused to the release owner and to scope authors', () => {
      release.given(inReview).when(vote(manager, 'approve')).thenThrows(PlanningErrorCodes.CAB_SELF_VOTE);
      release
        .given(inReview)
        .when(vote({ ...dev, roles: ['cab-member'] }, 'approve'))
        .thenThrows(PlanningErrorCodes.CAB_SELF_VOTE);
    });
    it('is refused to whoever submitted the release to the CAB', () => {
      const submittedByCab2: ReleaseEvent = {
        ...cabRequested(2),
        data: { ...cabRequested(2).data, submittedBy: cab2.id },
      } as ReleaseEvent;
      release
        .given([...readyForCab, submittedByCab2])
        .when(vote(cab2, 'approve'))
        .thenThrows(PlanningErrorCodes.CAB_SELF_VOTE);
    });
    it('is refused when no round is open', () => {
      release.given(readyForCab).when(vote(cab1, 'approve')).thenThrows(PlanningErrorCodes.CAB_NOT_IN_REVIEW);
    });
    it('counts one vote per member', () => {
      release
        .given([...inReview, cast(cab1.id, 'approve')])
        .when(vote(cab1, 'approve'))
        .thenThrows(PlanningErrorCodes.CAB_ALREADY_VOTED);
    });
    it('needs a reason to reject and conditions to approve with conditions', () => {
      release.given(inReview).when(vote(cab1, 'reject')).thenThrows(PlanningErrorCodes.CAB_REASON_REQUIRED);
      release
        .given(inReview)
        .when(vote(cab1, 'approve-with-conditions'))
        .thenThrows(PlanningErrorCodes.CAB_CONDITIONS_REQUIRED);
    });
    it('records a vote below quorum and decides nothing yet', () => {
      release
        .given(inReview)
        .when(vote(cab1, 'approve'))
        .then([cast(cab1.id, 'approve')]);
    });
    it('approves at quorum, under the policy version of the round, with the conditions numbered', () => {
      release
        .given([...inReview, cast(cab1.id, 'approve-with-conditions', { conditions: ['smoke test'] })])
        .when(vote(cab2, 'approve'))
        .then([
          cast(cab2.id, 'approve'),
          {
            type: 'CabDecisionRecorded',
            data: {
              ...decision,
              voters: [cab1.id, cab2.id],
              decision: 'approved',
              conditions: [{ conditionId: 'c1', text: 'smoke test', setBy: cab1.id }],
            },
          },
        ]);
    });
    it('rejects the round on one rejection, with its reason', () => {
      release
        .given(inReview)
        .when(vote(cab1, 'reject', { reason: 'too risky' }))
        .then([
          cast(cab1.id, 'reject', { reason: 'too risky' }),
          {
            type: 'CabDecisionRecorded',
            data: { ...decision, voters: [cab1.id], decision: 'rejected', reason: 'too risky', conditions: [] },
          },
        ]);
    });
    it('refuses approval while a mandatory requirement lacks accepted evidence (P5)', () => {
      release
        .given([planned, added(itemA, 'x'), accepted(itemA), requirement, evidence, criteria, frozen, cabRequested(1)])
        .when(vote(cab1, 'approve'))
        .thenThrows(PlanningErrorCodes.COMPLIANCE_UNMET);
    });
    it('refuses approval without rollback criteria (P6)', () => {
      const noCriteria = readyForCab.filter((e) => e.type !== 'RollbackCriteriaPublished');
      release
        .given([...noCriteria, cabRequested(1)])
        .when(vote(cab1, 'approve'))
        .thenThrows(PlanningErrorCodes.ROLLBACK_CRITERIA_MISSING);
    });
  });
});
