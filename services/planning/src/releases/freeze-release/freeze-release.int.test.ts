import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  accepted,
  added,
  at,
  dep1,
  dependency,
  dependencyReady,
  frozen,
  itemA,
  itemB,
  manager,
  planned,
} from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/freeze', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('freezeRelease');
  });
  afterAll(async () => {
    await s?.close();
  });
  const freeze = (id: string) => async () => ({
    method: 'POST' as const,
    url: `/releases/${id}/freeze`,
    headers: await s.as(manager),
  });

  it('fixes the accepted scope: ReleaseFrozen with the accepted items', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(
        id,
        planned,
        added(itemA, 'Fix refunds'),
        accepted(itemA),
        dependency(dep1, 'web', 'api'),
        dependencyReady(dep1),
      )
      .when(freeze(id))
      .then({
        status: 200,
        body: { id, status: 'frozen' },
        events: {
          [stream]: releaseEventsOf(id, [
            { type: 'ReleaseFrozen', data: { releaseId: id, frozenAt: at.toISOString(), scopeItemIds: [itemA] } },
          ]),
        },
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND for a release never planned', async () => {
    const { id } = s.fresh();
    await s.spec().when(freeze(id)).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('409 PLANNING_ALREADY_FROZEN, appending nothing', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen)
      .when(freeze(id))
      .then({ status: 409, code: ErrorCodes.PLANNING_ALREADY_FROZEN });
  });

  it('409 PLANNING_SCOPE_UNDECIDED while a proposal awaits its product owner', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), added(itemB, 'Faster search'))
      .when(freeze(id))
      .then({ status: 409, code: PlanningErrorCodes.SCOPE_UNDECIDED, body: { itemIds: [itemB] } });
  });

  it('409 PLANNING_SCOPE_EMPTY with nothing accepted', async () => {
    const { id } = s.fresh();
    await s.given(id, planned).when(freeze(id)).then({ status: 409, code: ErrorCodes.PLANNING_SCOPE_EMPTY });
  });

  it('409 PLANNING_DEPENDENCY_BLOCKING while a blocking dependency is not ready', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), dependency(dep1, 'web', 'api'))
      .when(freeze(id))
      .then({ status: 409, code: PlanningErrorCodes.DEPENDENCY_BLOCKING, body: { dependencyIds: [dep1] } });
  });
});
