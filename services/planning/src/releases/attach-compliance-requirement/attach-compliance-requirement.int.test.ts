import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { accepted, added, frozen, itemA, manager, planned, requirement } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/compliance-requirements', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('attachRequirement');
  });
  afterAll(async () => {
    await s?.close();
  });
  const attach = (id: string, body: Record<string, unknown>) =>
    s.request('POST', `/releases/${id}/compliance-requirements`, manager, {
      control: 'data-residency',
      name: 'EU only',
      region: 'eu-west-1',
      mandatory: true,
      ...body,
    });

  it('attaches the requirement before the freeze: ComplianceRequirementAttached', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned)
      .when(attach(id, {}))
      .then({
        status: 201,
        events: (res) => ({
          [stream]: releaseEventsOf(id, [
            {
              type: 'ComplianceRequirementAttached',
              data: {
                releaseId: id,
                requirementId: res.json().id,
                control: 'data-residency',
                name: 'EU only',
                region: 'eu-west-1',
                mandatory: true,
                attachedBy: manager.id,
              },
            },
          ]),
        }),
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s.spec().when(attach(id, {})).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('422 PLANNING_COMPLIANCE_REGION_REQUIRED for data residency without a region', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(attach(id, { region: undefined }))
      .then({ status: 422, code: PlanningErrorCodes.COMPLIANCE_REGION_REQUIRED });
  });

  it('409 PLANNING_COMPLIANCE_REQUIREMENT_DUPLICATE for the same name', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, requirement)
      .when(attach(id, { name: 'eu ONLY' }))
      .then({ status: 409, code: PlanningErrorCodes.COMPLIANCE_REQUIREMENT_DUPLICATE });
  });

  it('409 PLANNING_FREEZE_ACTIVE once frozen', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen)
      .when(attach(id, {}))
      .then({ status: 409, code: ErrorCodes.PLANNING_FREEZE_ACTIVE });
  });
});
