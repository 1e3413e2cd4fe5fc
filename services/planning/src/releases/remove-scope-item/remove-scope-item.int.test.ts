import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { accepted, added, frozen, itemA, itemB, manager, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('DELETE /releases/:id/scope-items/:itemId', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('removeScopeItem');
  });
  afterAll(async () => {
    await s?.close();
  });
  const remove = (id: string, itemId: string) =>
    s.request('DELETE', `/releases/${id}/scope-items/${itemId}?reason=Descoped`, manager);

  it('takes the item out of scope before the freeze: ScopeItemRemoved with the reason', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA))
      .when(remove(id, itemA))
      .then({
        status: 200,
        body: { id, status: 'draft' },
        events: {
          [stream]: releaseEventsOf(id, [
            { type: 'ScopeItemRemoved', data: { releaseId: id, itemId: itemA, reason: 'Descoped' } },
          ]),
        },
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s.spec().when(remove(id, itemA)).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('404 PLANNING_SCOPE_ITEM_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(remove(id, itemB))
      .then({ status: 404, code: ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND });
  });

  it('409 PLANNING_FREEZE_ACTIVE once frozen, without an exception', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen)
      .when(remove(id, itemA))
      .then({ status: 409, code: ErrorCodes.PLANNING_FREEZE_ACTIVE });
  });

  it('409 PLANNING_FREEZE_CUTOFF_PASSED after the cutoff', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), {
        type: 'FreezeCutoffSet',
        data: { releaseId: id, cutoffAt: '2026-11-01T00:00:00.000Z', setBy: manager.id },
      })
      .when(remove(id, itemA))
      .then({ status: 409, code: PlanningErrorCodes.CUTOFF_PASSED });
  });
});
