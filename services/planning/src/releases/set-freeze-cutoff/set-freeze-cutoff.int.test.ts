import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { accepted, added, frozen, itemA, manager, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('PUT /releases/:id/freeze-cutoff', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('setFreezeCutoff');
  });
  afterAll(async () => {
    await s?.close();
  });
  const setCutoff = (id: string, cutoffAt: string) =>
    s.request('PUT', `/releases/${id}/freeze-cutoff`, manager, { cutoffAt });

  it('sets the cutoff, normalised to UTC: FreezeCutoffSet', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned)
      .when(setCutoff(id, '2026-12-01T18:00:00+01:00'))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            {
              type: 'FreezeCutoffSet',
              data: { releaseId: id, cutoffAt: '2026-12-01T17:00:00.000Z', setBy: manager.id },
            },
          ]),
        },
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .spec()
      .when(setCutoff(id, '2026-12-01T18:00:00Z'))
      .then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('422 PLANNING_FREEZE_CUTOFF_PASSED for a cutoff not in the future', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(setCutoff(id, '2026-11-26T09:00:00Z'))
      .then({ status: 422, code: PlanningErrorCodes.CUTOFF_PASSED });
  });

  it('409 PLANNING_FREEZE_ACTIVE once frozen', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen)
      .when(setCutoff(id, '2026-12-01T18:00:00Z'))
      .then({ status: 409, code: ErrorCodes.PLANNING_FREEZE_ACTIVE });
  });
});
