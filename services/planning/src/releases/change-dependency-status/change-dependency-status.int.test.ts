import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { dep1, dep2, dependency, dev, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('PUT /releases/:id/dependencies/:dependencyId/status', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('dependencyStatus');
  });
  afterAll(async () => {
    await s?.close();
  });
  const change = (id: string, dependencyId: string, status: string) =>
    s.request('PUT', `/releases/${id}/dependencies/${dependencyId}/status`, dev, { status, note: 'Deployed' });

  it('moves the edge: DependencyStatusChanged with the note', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned, dependency(dep1, 'web', 'api'))
      .when(change(id, dep1, 'ready'))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            {
              type: 'DependencyStatusChanged',
              data: { releaseId: id, dependencyId: dep1, status: 'ready', note: 'Deployed', changedBy: dev.id },
            },
          ]),
        },
      });
  });

  it('the same status again appends nothing (200)', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, dependency(dep1, 'web', 'api'))
      .when(change(id, dep1, 'open'))
      .then({ status: 200 });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .spec()
      .when(change(id, dep1, 'ready'))
      .then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('404 PLANNING_DEPENDENCY_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, dependency(dep1, 'web', 'api'))
      .when(change(id, dep2, 'ready'))
      .then({ status: 404, code: PlanningErrorCodes.DEPENDENCY_NOT_FOUND });
  });
});
