import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  cab1,
  dev,
  ev1,
  evidence,
  evidenceAccepted,
  planned,
  req1,
  requirement,
} from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/compliance-requirements/:requirementId/evidence/:evidenceId/review', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('reviewEvidence');
  });
  afterAll(async () => {
    await s?.close();
  });
  const review = (id: string, by = cab1, evidenceId = ev1) =>
    s.request('POST', `/releases/${id}/compliance-requirements/${req1}/evidence/${evidenceId}/review`, by, {
      verdict: 'accepted',
      note: 'Checked',
    });

  it('a reviewer accepts the evidence: ComplianceEvidenceReviewed', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned, requirement, evidence)
      .when(review(id))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            {
              type: 'ComplianceEvidenceReviewed',
              data: {
                releaseId: id,
                requirementId: req1,
                evidenceId: ev1,
                verdict: 'accepted',
                note: 'Checked',
                reviewer: cab1.id,
              },
            },
          ]),
        },
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s.spec().when(review(id)).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('404 PLANNING_COMPLIANCE_REQUIREMENT_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(review(id))
      .then({ status: 404, code: PlanningErrorCodes.COMPLIANCE_REQUIREMENT_NOT_FOUND });
  });

  it('404 PLANNING_COMPLIANCE_EVIDENCE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, requirement)
      .when(review(id))
      .then({ status: 404, code: PlanningErrorCodes.COMPLIANCE_EVIDENCE_NOT_FOUND });
  });

  it('409 PLANNING_COMPLIANCE_EVIDENCE_ALREADY_REVIEWED', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, requirement, evidence, evidenceAccepted)
      .when(review(id))
      .then({ status: 409, code: PlanningErrorCodes.COMPLIANCE_EVIDENCE_REVIEWED });
  });

  it('409 PLANNING_COMPLIANCE_SELF_REVIEW for the submitter', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, requirement, evidence)
      .when(review(id, { ...dev, roles: ['auditor'] }))
      .then({ status: 409, code: PlanningErrorCodes.COMPLIANCE_SELF_REVIEW });
  });
});
