import {
  invalid,
  notFound,
  PlanningErrorCodes,
  type ReleaseEvent,
  type RiskPolicyRules,
  ruleViolated,
} from '@railyard/contracts';
import { complianceUnmet, unmetRequirements } from './compliance.decide.js';
import type { CabRound, PlannedRelease, ReleaseState } from './release.js';
import { type Issued, planned, requireStatus } from './release-rules.js';
import { assessRisk, type OverdueDrill } from './risk-score.js';

/**
 * The policy version is read from its own aggregate at the edge and passed in, and so are the overdue rollback drills
 * planning learnt from governance's events: the decider stays pure.
 */
export type SubmitForCab = Issued & {
  type: 'SubmitForCab';
  policy: { policyId: string; version: number; rules: RiskPolicyRules };
  overdueDrills?: readonly OverdueDrill[];
};
export type CastCabVote = Issued & {
  type: 'CastCabVote';
  vote: 'approve' | 'approve-with-conditions' | 'reject';
  reason?: string;
  conditions?: string[];
};
export type AcknowledgeCondition = Issued & { type: 'AcknowledgeCondition'; conditionId: string; note?: string };
export type CabCommand = SubmitForCab | CastCabVote | AcknowledgeCondition;

/** A frozen release goes to the CAB with its risk assessed under the policy version given; one round at a time. */
export function submitForCab(command: SubmitForCab, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, ['frozen'], 'be submitted to the CAB');
  if (release.cab && !release.cab.decision) {
    throw ruleViolated(PlanningErrorCodes.INVALID_TRANSITION, `CAB round ${release.cab.round} is still open.`, {
      round: release.cab.round,
    });
  }
  const risk = assessRisk(release, command.policy.rules, { overdueDrills: command.overdueDrills ?? [] });
  return [
    {
      type: 'CabReviewRequested',
      data: {
        releaseId: release.id,
        round: (release.cab?.round ?? 0) + 1,
        submittedBy: command.actor.id,
        policyId: command.policy.policyId,
        policyVersion: command.policy.version,
        ...risk,
      },
    },
  ];
}

function openRound(release: PlannedRelease): CabRound {
  if (!release.cab || release.cab.decision || release.status !== 'frozen') {
    throw ruleViolated(PlanningErrorCodes.CAB_NOT_IN_REVIEW, 'The release is not waiting for a CAB decision.');
  }
  return release.cab;
}

/** The gates of CAB approval: mandatory compliance met (P5) and rollback criteria declared (P6). */
function approvalGates(release: PlannedRelease): void {
  const unmet = unmetRequirements(release);
  if (unmet.length > 0) throw complianceUnmet(unmet);
  if (release.rollbackCriteria.length === 0) {
    throw ruleViolated(
      PlanningErrorCodes.ROLLBACK_CRITERIA_MISSING,
      'Rollback criteria must be published before the CAB can approve.',
    );
  }
}

/**
 * A CAB vote (the cab-member role is checked at the edge). The release owner, submitter and scope authors cannot.
 * One rejection rejects the round; approvals reaching the level's quorum approve it, if the gates pass.
 */
export function castCabVote(command: CastCabVote, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  const round = openRound(release);
  const voter = command.actor.id;
  // Separation of duties (DESIGN §5): whoever owns the release, authored its scope or submitted it cannot approve it.
  const involved =
    voter === release.owner || voter === round.submittedBy || release.scope.some((i) => i.author === voter);
  if (involved) {
    throw ruleViolated(
      PlanningErrorCodes.CAB_SELF_VOTE,
      'The release owner, its submitter and scope authors cannot vote on it.',
      {
        voter,
      },
    );
  }
  if (round.votes.some((v) => v.voter === voter)) {
    throw ruleViolated(PlanningErrorCodes.CAB_ALREADY_VOTED, `${voter} already voted in round ${round.round}.`);
  }
  if (command.vote === 'reject' && !command.reason) {
    throw invalid(PlanningErrorCodes.CAB_REASON_REQUIRED, 'A rejection states its reason.');
  }
  const conditions = command.conditions ?? [];
  if (command.vote === 'approve-with-conditions' && conditions.length === 0) {
    throw invalid(PlanningErrorCodes.CAB_CONDITIONS_REQUIRED, 'An approval with conditions lists them.');
  }
  const cast: ReleaseEvent = {
    type: 'CabVoteCast',
    data: {
      releaseId: release.id,
      round: round.round,
      voter,
      vote: command.vote,
      ...(command.reason ? { reason: command.reason } : {}),
      ...(command.vote === 'approve-with-conditions' ? { conditions } : {}),
    },
  };
  const votes = [...round.votes, { voter, vote: command.vote, reason: command.reason, conditions }];
  const decision = {
    releaseId: release.id,
    round: round.round,
    policyId: round.policyId,
    policyVersion: round.policyVersion,
    score: round.score,
    level: round.level,
    voters: votes.map((v) => v.voter),
  };
  if (command.vote === 'reject') {
    return [
      cast,
      {
        type: 'CabDecisionRecorded',
        data: { ...decision, decision: 'rejected', reason: command.reason, conditions: [] },
      },
    ];
  }
  if (votes.length < round.quorum) return [cast];
  approvalGates(release);
  let n = release.conditions.length;
  const recorded = votes.flatMap((v) =>
    v.vote === 'approve-with-conditions'
      ? (v.conditions ?? []).map((text) => ({ conditionId: `c${++n}`, text, setBy: v.voter }))
      : [],
  );
  return [cast, { type: 'CabDecisionRecorded', data: { ...decision, decision: 'approved', conditions: recorded } }];
}

export function acknowledgeCondition(command: AcknowledgeCondition, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, ['cab-approved'], 'acknowledge CAB conditions');
  const condition = release.conditions.find((c) => c.id === command.conditionId);
  if (!condition) throw notFound(PlanningErrorCodes.CAB_CONDITION_NOT_FOUND, `No condition ${command.conditionId}.`);
  if (condition.acknowledgedBy) return [];
  return [
    {
      type: 'CabConditionAcknowledged',
      data: {
        releaseId: release.id,
        conditionId: condition.id,
        acknowledgedBy: command.actor.id,
        ...(command.note ? { note: command.note } : {}),
      },
    },
  ];
}
