import { ErrorCodes, PlanningErrorCodes, type ReleaseEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import {
  at,
  cab1,
  cabRequested,
  cmd,
  manager,
  planned,
  policyId,
  readyForCab,
  releaseId,
} from '../../test-support/release-history.js';
import { releaseDecider } from './release.decide.js';

const release = spec(releaseDecider);
const approvedWith = (conditions: { conditionId: string; text: string; setBy: string }[]): ReleaseEvent[] => [
  ...readyForCab,
  cabRequested(1),
  { type: 'CabVoteCast', data: { releaseId, round: 1, voter: cab1.id, vote: 'approve' } },
  {
    type: 'CabDecisionRecorded',
    data: {
      releaseId,
      round: 1,
      policyId,
      policyVersion: 1,
      score: 1,
      level: 'low',
      voters: [cab1.id],
      decision: 'approved',
      conditions,
    },
  },
];
const condition = { conditionId: 'c1', text: 'smoke test', setBy: cab1.id };
const started: ReleaseEvent = { type: 'ReleaseDeploymentStarted', data: { releaseId, startedBy: manager.id } };

describe('release lifecycle after the CAB (P1)', () => {
  it('starts deploying only once every condition is acknowledged', () => {
    release
      .given(approvedWith([condition]))
      .when(cmd({ type: 'StartDeployment', actor: manager }))
      .thenThrows(PlanningErrorCodes.CAB_CONDITIONS_OPEN);
    const ack = release
      .given(approvedWith([condition]))
      .when(cmd({ type: 'AcknowledgeCondition', actor: manager, conditionId: 'c1' }))
      .then([{ type: 'CabConditionAcknowledged', data: { releaseId, conditionId: 'c1', acknowledgedBy: manager.id } }]);
    release
      .given([...approvedWith([condition]), ...ack])
      .when(cmd({ type: 'StartDeployment', actor: manager }))
      .then([started]);
  });
  it('answers not found for an unknown condition and nothing for a second acknowledgement', () => {
    release
      .given(approvedWith([]))
      .when(cmd({ type: 'AcknowledgeCondition', actor: manager, conditionId: 'c9' }))
      .thenThrows(PlanningErrorCodes.CAB_CONDITION_NOT_FOUND);
    release
      .given([
        ...approvedWith([condition]),
        { type: 'CabConditionAcknowledged', data: { releaseId, conditionId: 'c1', acknowledgedBy: manager.id } },
      ])
      .when(cmd({ type: 'AcknowledgeCondition', actor: manager, conditionId: 'c1' }))
      .thenNothing();
  });
  it('cannot deploy before CAB approval', () => {
    release
      .given(readyForCab)
      .when(cmd({ type: 'StartDeployment', actor: manager }))
      .thenThrows(PlanningErrorCodes.INVALID_TRANSITION);
  });
  it('ends released or rolled back, only from deploying', () => {
    const deploying = [...approvedWith([]), started];
    release
      .given(deploying)
      .when(cmd({ type: 'MarkReleased', actor: manager }))
      .then([{ type: 'ReleaseReleased', data: { releaseId, releasedAt: at.toISOString() } }]);
    release
      .given(deploying)
      .when(cmd({ type: 'RollBackRelease', actor: manager, reason: 'errors' }))
      .then([{ type: 'ReleaseRolledBack', data: { releaseId, reason: 'errors' } }]);
    release
      .given(approvedWith([]))
      .when(cmd({ type: 'MarkReleased', actor: manager }))
      .thenThrows(PlanningErrorCodes.INVALID_TRANSITION);
  });
  it('cancels before deploying, not after', () => {
    release
      .given([planned])
      .when(cmd({ type: 'CancelRelease', actor: manager, reason: 'dropped' }))
      .then([{ type: 'ReleaseCancelled', data: { releaseId, reason: 'dropped', cancelledBy: manager.id } }]);
    release
      .given([...approvedWith([]), started])
      .when(cmd({ type: 'CancelRelease', actor: manager, reason: 'late' }))
      .thenThrows(PlanningErrorCodes.INVALID_TRANSITION);
  });
  it('cannot touch a release that does not exist', () => {
    release
      .when(cmd({ type: 'CancelRelease', actor: manager, reason: 'x' }))
      .thenThrows(ErrorCodes.PLANNING_RELEASE_NOT_FOUND);
  });
});
