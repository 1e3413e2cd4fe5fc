import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { at, cab1, cabApproved, deploymentStarted, manager, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/{deployment,released,rollback,cancel}', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('releaseLifecycle');
  });
  afterAll(async () => {
    await s?.close();
  });
  const post = (id: string, path: string, body?: unknown) =>
    s.request('POST', `/releases/${id}/${path}`, manager, body);

  it('deployment: a CAB-approved release starts deploying (ReleaseDeploymentStarted)', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, ...cabApproved())
      .when(post(id, 'deployment'))
      .then({
        status: 200,
        body: { status: 'deploying' },
        events: {
          [stream]: releaseEventsOf(id, [
            { type: 'ReleaseDeploymentStarted', data: { releaseId: id, startedBy: manager.id } },
          ]),
        },
      });
  });

  it('deployment: 409 PLANNING_CAB_CONDITIONS_OPEN while a condition is not acknowledged', async () => {
    const { id } = s.fresh();
    await s
      .given(id, ...cabApproved([{ conditionId: 'c1', text: 'Warm the caches', setBy: cab1.id }]))
      .when(post(id, 'deployment'))
      .then({ status: 409, code: PlanningErrorCodes.CAB_CONDITIONS_OPEN, body: { conditionIds: ['c1'] } });
  });

  it('released: a deploying release is live (ReleaseReleased)', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, ...cabApproved(), deploymentStarted)
      .when(post(id, 'released'))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            { type: 'ReleaseReleased', data: { releaseId: id, releasedAt: at.toISOString() } },
          ]),
        },
      });
  });

  it('rollback: a deploying release is rolled back with the reason (ReleaseRolledBack)', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, ...cabApproved(), deploymentStarted)
      .when(post(id, 'rollback', { reason: 'Error rate' }))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [{ type: 'ReleaseRolledBack', data: { releaseId: id, reason: 'Error rate' } }]),
        },
      });
  });

  it('cancel: a release not yet deploying is called off (ReleaseCancelled)', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned)
      .when(post(id, 'cancel', { reason: 'Merged into 2027.01' }))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            {
              type: 'ReleaseCancelled',
              data: { releaseId: id, reason: 'Merged into 2027.01', cancelledBy: manager.id },
            },
          ]),
        },
      });
  });

  it('409 PLANNING_RELEASE_INVALID_TRANSITION for each transition its state does not allow', async () => {
    const { id } = s.fresh();
    for (const [path, body] of [['deployment'], ['released'], ['rollback', { reason: 'x' }]] as const) {
      await s
        .given(id, ...(path === 'deployment' ? [planned] : []))
        .when(post(id, path, body))
        .then({ status: 409, code: PlanningErrorCodes.INVALID_TRANSITION });
    }
    const cancelled = s.fresh().id;
    await s
      .given(cancelled, ...cabApproved(), deploymentStarted)
      .when(post(cancelled, 'cancel', { reason: 'Too late' }))
      .then({ status: 409, code: PlanningErrorCodes.INVALID_TRANSITION });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s.spec().when(post(id, 'released')).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });
});
