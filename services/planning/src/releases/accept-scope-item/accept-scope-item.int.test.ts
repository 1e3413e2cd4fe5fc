import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { accepted, added, frozen, itemA, itemB, owner, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/scope-items/:itemId/accept', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('acceptScopeItem');
  });
  afterAll(async () => {
    await s?.close();
  });
  const accept = (id: string, itemId: string) =>
    s.request('POST', `/releases/${id}/scope-items/${itemId}/accept`, owner);

  it('a product owner accepts the proposal: ScopeItemAccepted, the release becomes scoped', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'))
      .when(accept(id, itemA))
      .then({
        status: 200,
        body: { id, status: 'scoped' },
        events: { [stream]: releaseEventsOf(id, [accepted(itemA)]) },
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s.spec().when(accept(id, itemA)).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('404 PLANNING_SCOPE_ITEM_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'))
      .when(accept(id, itemB))
      .then({ status: 404, code: ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND });
  });

  it('409 PLANNING_SCOPE_ITEM_NOT_PROPOSED for an item already decided', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA))
      .when(accept(id, itemA))
      .then({ status: 409, code: PlanningErrorCodes.SCOPE_ITEM_NOT_PROPOSED });
  });

  it('409 PLANNING_FREEZE_ACTIVE once frozen', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), added(itemB, 'Search'), frozen)
      .when(accept(id, itemB))
      .then({ status: 409, code: ErrorCodes.PLANNING_FREEZE_ACTIVE });
  });
});
