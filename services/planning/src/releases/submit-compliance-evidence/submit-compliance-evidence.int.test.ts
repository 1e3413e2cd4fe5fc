import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { dev, planned, req1, requirement } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

const digest = `sha256:${'cd'.repeat(32)}`;

describe('POST /releases/:id/compliance-requirements/:requirementId/evidence', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('submitEvidence');
  });
  afterAll(async () => {
    await s?.close();
  });
  const submit = (id: string, requirementId = req1) =>
    s.request('POST', `/releases/${id}/compliance-requirements/${requirementId}/evidence`, dev, {
      link: 'https://audit.example/2',
      digest,
    });

  it('records the evidence by its submitter: ComplianceEvidenceSubmitted', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned, requirement)
      .when(submit(id))
      .then({
        status: 201,
        events: (res) => ({
          [stream]: releaseEventsOf(id, [
            {
              type: 'ComplianceEvidenceSubmitted',
              data: {
                releaseId: id,
                requirementId: req1,
                evidenceId: res.json().id,
                link: 'https://audit.example/2',
                digest,
                submitter: dev.id,
              },
            },
          ]),
        }),
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s.spec().when(submit(id)).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('404 PLANNING_COMPLIANCE_REQUIREMENT_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(submit(id))
      .then({ status: 404, code: PlanningErrorCodes.COMPLIANCE_REQUIREMENT_NOT_FOUND });
  });
});
