import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { dep1, dependency, dev, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/dependencies', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('declareDependency');
  });
  afterAll(async () => {
    await s?.close();
  });
  const declare = (id: string, from: string, to: string) =>
    s.request('POST', `/releases/${id}/dependencies`, dev, {
      from: { team: from },
      to: { team: to },
      kind: 'backend',
      owner: 'lead',
    });

  it('adds an open, blocking edge: DependencyDeclared, 201 with the minted id', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned)
      .when(declare(id, 'web', 'api'))
      .then({
        status: 201,
        events: (res) => ({
          [stream]: releaseEventsOf(id, [
            {
              type: 'DependencyDeclared',
              data: {
                releaseId: id,
                dependencyId: res.json().id,
                from: { team: 'web' },
                to: { team: 'api' },
                kind: 'backend',
                owner: 'lead',
                blocking: true,
                status: 'open',
                declaredBy: dev.id,
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
      .when(declare(id, 'web', 'api'))
      .then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('409 PLANNING_DEPENDENCY_SELF', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(declare(id, 'web', 'WEB'))
      .then({ status: 409, code: PlanningErrorCodes.DEPENDENCY_SELF });
  });

  it('409 PLANNING_DEPENDENCY_DUPLICATE', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, dependency(dep1, 'web', 'api'))
      .when(declare(id, 'web', 'api'))
      .then({ status: 409, code: PlanningErrorCodes.DEPENDENCY_DUPLICATE, body: { dependencyId: dep1 } });
  });

  it('409 PLANNING_DEPENDENCY_CYCLE for an edge that closes a cycle', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, dependency(dep1, 'web', 'api'))
      .when(declare(id, 'api', 'web'))
      .then({ status: 409, code: PlanningErrorCodes.DEPENDENCY_CYCLE, body: { cycle: ['api', 'web', 'api'] } });
  });
});
