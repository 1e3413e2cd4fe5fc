import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { RiskFactor, RiskLevel } from './risk-policy-events.js';

export const RiskContribution = z.strictObject({
  factor: RiskFactor,
  measure: z.number().min(0),
  weight: z.number().min(0),
  contribution: z.number().min(0),
  explanation: z.string().max(4000).optional().describe('What the measure counted, in words (when the factor says).'),
  overdueDrills: z
    .array(z.strictObject({ service: z.string().min(1).max(200), dueAt: z.iso.datetime({ offset: true }) }))
    .max(1000)
    .optional()
    .describe('overdueRollbackDrills: the services counted and their due dates, as planning knew them then.'),
});
export const CabVote = z.enum(['approve', 'approve-with-conditions', 'reject']);

export const CabReviewRequested = defineEvent(
  'CabReviewRequested',
  z.strictObject({
    releaseId: z.uuid(),
    round: z.number().int().positive(),
    submittedBy: z.string().min(1).max(200),
    policyId: z.uuid(),
    policyVersion: z.number().int().positive(),
    score: z.number().min(0),
    level: RiskLevel,
    quorum: z.number().int().positive(),
    factors: z.array(RiskContribution),
  }),
  'A frozen release went to the CAB with its risk score, level, quorum and every factor’s contribution.',
);

export const CabVoteCast = defineEvent(
  'CabVoteCast',
  z.strictObject({
    releaseId: z.uuid(),
    round: z.number().int().positive(),
    voter: z.string().min(1).max(200),
    vote: CabVote,
    reason: z.string().max(2000).optional(),
    conditions: z.array(z.string().min(1).max(500)).max(20).optional(),
  }),
  'A CAB member (not the release owner, its CAB submitter or a scope author) voted.',
);

export const CabDecisionRecorded = defineEvent(
  'CabDecisionRecorded',
  z.strictObject({
    releaseId: z.uuid(),
    round: z.number().int().positive(),
    decision: z.enum(['approved', 'rejected']),
    policyId: z.uuid(),
    policyVersion: z.number().int().positive(),
    score: z.number().min(0),
    level: RiskLevel,
    voters: z.array(z.string()),
    reason: z.string().max(2000).optional(),
    conditions: z.array(
      z.strictObject({ conditionId: z.string().min(1).max(20), text: z.string().min(1).max(500), setBy: z.string() }),
    ),
  }),
  'The CAB decided: approved at quorum (with any conditions) or rejected, under the policy version named.',
);

export const CabConditionAcknowledged = defineEvent(
  'CabConditionAcknowledged',
  z.strictObject({
    releaseId: z.uuid(),
    conditionId: z.string().min(1).max(20),
    acknowledgedBy: z.string().min(1).max(200),
    note: z.string().max(1000).optional(),
  }),
  'A condition of the CAB approval was acknowledged; all must be before deploying.',
);

export const cabEvents = { CabReviewRequested, CabVoteCast, CabDecisionRecorded, CabConditionAcknowledged } as const;
