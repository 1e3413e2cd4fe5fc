import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { accepted, added, dep1, dev, frozen, itemA, itemB, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/freeze-exceptions', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('requestException');
  });
  afterAll(async () => {
    await s?.close();
  });
  const request = (id: string, change: Record<string, unknown>) =>
    s.request('POST', `/releases/${id}/freeze-exceptions`, dev, { change, justification: 'Outage fix' });

  it('records the request with its one change: FreezeExceptionRequested, 201 with the minted id', async () => {
    const { id, stream } = s.fresh();
    const change = { action: 'remove-scope-item' as const, itemId: itemA };
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen)
      .when(request(id, change))
      .then({
        status: 201,
        events: (res) => ({
          [stream]: releaseEventsOf(id, [
            {
              type: 'FreezeExceptionRequested',
              data: {
                releaseId: id,
                exceptionId: res.json().id,
                change,
                justification: 'Outage fix',
                requestedBy: dev.id,
              },
            },
          ]),
        }),
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .spec()
      .when(request(id, { action: 'remove-scope-item', itemId: itemA }))
      .then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('404 PLANNING_SCOPE_ITEM_NOT_FOUND for removing an item the release does not have', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(request(id, { action: 'remove-scope-item', itemId: itemB }))
      .then({ status: 404, code: ErrorCodes.PLANNING_SCOPE_ITEM_NOT_FOUND });
  });

  it('404 PLANNING_DEPENDENCY_NOT_FOUND for freezing past a dependency the release does not have', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(request(id, { action: 'freeze-with-open-dependency', dependencyId: dep1 }))
      .then({ status: 404, code: PlanningErrorCodes.DEPENDENCY_NOT_FOUND });
  });

  it('409 PLANNING_RELEASE_INVALID_TRANSITION once the release is cancelled', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, { type: 'ReleaseCancelled', data: { releaseId: id, reason: 'No', cancelledBy: 'rm-ana' } })
      .when(request(id, { action: 'remove-scope-item', itemId: itemA }))
      .then({ status: 409, code: PlanningErrorCodes.INVALID_TRANSITION });
  });
});
