import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import {
  accepted,
  added,
  cab1,
  cmd,
  criteria,
  dev,
  ev1,
  evidence,
  evidenceAccepted,
  frozen,
  itemA,
  manager,
  planned,
  releaseId,
  req1,
  requirement,
  thresholds,
} from '../../test-support/release-history.js';
import { releaseDecider } from './release.decide.js';

const release = spec(releaseDecider);
const attach = (extra: Record<string, unknown> = {}) =>
  cmd({
    type: 'AttachRequirement',
    actor: manager,
    requirementId: req1,
    control: 'data-residency',
    name: 'EU only',
    region: 'eu-west-1',
    mandatory: true,
    ...extra,
  });

describe('compliance (P5)', () => {
  it('attaches a requirement before the freeze', () => {
    release.given([planned]).when(attach()).then([requirement]);
  });
  it('needs a region for data residency', () => {
    release
      .given([planned])
      .when(attach({ region: undefined }))
      .thenThrows(PlanningErrorCodes.COMPLIANCE_REGION_REQUIRED);
  });
  it('refuses the same requirement twice', () => {
    release
      .given([planned, requirement])
      .when(attach({ name: 'eu ONLY' }))
      .thenThrows(PlanningErrorCodes.COMPLIANCE_REQUIREMENT_DUPLICATE);
  });
  it('refuses new requirements after the freeze: they are attached early', () => {
    release
      .given([planned, added(itemA, 'x'), accepted(itemA), frozen])
      .when(attach())
      .thenThrows(ErrorCodes.PLANNING_FREEZE_ACTIVE);
  });
  it('takes evidence with its submitter', () => {
    release
      .given([planned, requirement])
      .when(
        cmd({
          type: 'SubmitEvidence',
          actor: dev,
          requirementId: req1,
          evidenceId: ev1,
          link: 'https://audit.example/1',
          digest: `sha256:${'ab'.repeat(32)}`,
        }),
      )
      .then([evidence]);
  });
  it('has evidence reviewed once, never by its submitter', () => {
    const review = (actor: typeof dev) =>
      cmd({ type: 'ReviewEvidence', actor, requirementId: req1, evidenceId: ev1, verdict: 'accepted' });
    release
      .given([planned, requirement, evidence])
      .when(review(dev))
      .thenThrows(PlanningErrorCodes.COMPLIANCE_SELF_REVIEW);
    release.given([planned, requirement, evidence]).when(review(cab1)).then([evidenceAccepted]);
    release
      .given([planned, requirement, evidence, evidenceAccepted])
      .when(review(cab1))
      .thenThrows(PlanningErrorCodes.COMPLIANCE_EVIDENCE_REVIEWED);
  });
  it('answers not found for unknown requirements and evidence', () => {
    release
      .given([planned])
      .when(cmd({ type: 'ReviewEvidence', actor: cab1, requirementId: req1, evidenceId: ev1, verdict: 'accepted' }))
      .thenThrows(PlanningErrorCodes.COMPLIANCE_REQUIREMENT_NOT_FOUND);
    release
      .given([planned, requirement])
      .when(cmd({ type: 'ReviewEvidence', actor: cab1, requirementId: req1, evidenceId: ev1, verdict: 'accepted' }))
      .thenThrows(PlanningErrorCodes.COMPLIANCE_EVIDENCE_NOT_FOUND);
  });
});

describe('rollback criteria (P6)', () => {
  const publish = cmd({
    type: 'PublishRollbackCriteria',
    actor: manager,
    service: 'payments-api',
    criteria: thresholds,
  });
  it('publishes criteria per service', () => {
    release.given([planned]).when(publish).then([criteria]);
  });
  it('records nothing when they are unchanged', () => {
    release.given([planned, criteria]).when(publish).thenNothing();
  });
  it('replaces them with new thresholds', () => {
    const stricter = { ...thresholds, errorRate: { maxPercent: 1, windowSeconds: 120 } };
    release
      .given([planned, criteria])
      .when(cmd({ type: 'PublishRollbackCriteria', actor: manager, service: 'payments-api', criteria: stricter }))
      .then([
        {
          type: 'RollbackCriteriaPublished',
          data: { releaseId, service: 'payments-api', criteria: stricter, publishedBy: manager.id },
        },
      ]);
  });
  it('cannot change once the release is cancelled', () => {
    release
      .given([planned, { type: 'ReleaseCancelled', data: { releaseId, reason: 'x', cancelledBy: manager.id } }])
      .when(publish)
      .thenThrows(PlanningErrorCodes.INVALID_TRANSITION);
  });
});
