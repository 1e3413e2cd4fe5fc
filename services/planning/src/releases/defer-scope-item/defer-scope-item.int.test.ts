import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { accepted, added, frozen, itemA, itemB, owner, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/scope-items/:itemId/defer', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('deferScopeItem');
  });
  afterAll(async () => {
    await s?.close();
  });
  const defer = (id: string, itemId: string) =>
    s.request('POST', `/releases/${id}/scope-items/${itemId}/defer`, owner, { reason: 'Next train' });

  it('a product owner defers the proposal, saying why: ScopeItemDeferred', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'))
      .when(defer(id, itemA))
      .then({
        status: 200,
        body: { id, status: 'draft' },
        events: {
          [stream]: releaseEventsOf(id, [
            {
              type: 'ScopeItemDeferred',
              data: { releaseId: id, itemId: itemA, reason: 'Next train', deferredBy: owner.id },
            },
          ]),
        },
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s.spec().when(defer(id, itemA)).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('404 PLANNING_SCOPE_ITEM_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(defer(id, itemB))
      .then({ status: 404, code: ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND });
  });

  it('409 PLANNING_SCOPE_ITEM_NOT_PROPOSED for an item already accepted', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA))
      .when(defer(id, itemA))
      .then({ status: 409, code: PlanningErrorCodes.SCOPE_ITEM_NOT_PROPOSED });
  });

  it('409 PLANNING_FREEZE_ACTIVE once frozen', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), added(itemB, 'Search'), frozen)
      .when(defer(id, itemB))
      .then({ status: 409, code: ErrorCodes.PLANNING_FREEZE_ACTIVE });
  });

  it('400 RAILYARD_REQUEST_INVALID without a reason, appending nothing', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'))
      .when(s.request('POST', `/releases/${id}/scope-items/${itemA}/defer`, owner, {}))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
