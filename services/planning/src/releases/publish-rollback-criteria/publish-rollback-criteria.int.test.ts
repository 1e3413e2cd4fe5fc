import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { criteria, manager, planned, thresholds } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('PUT /releases/:id/rollback-criteria/:service', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('rollbackCriteria');
  });
  afterAll(async () => {
    await s?.close();
  });
  const publish = (id: string, body: unknown = thresholds) =>
    s.request('PUT', `/releases/${id}/rollback-criteria/payments-api`, manager, body);

  it('publishes the thresholds monitoring enforces: RollbackCriteriaPublished', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned)
      .when(publish(id))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            {
              type: 'RollbackCriteriaPublished',
              data: { releaseId: id, service: 'payments-api', criteria: thresholds, publishedBy: manager.id },
            },
          ]),
        },
      });
  });

  it('the same criteria again append nothing (200)', async () => {
    const { id } = s.fresh();
    await s.given(id, planned, criteria).when(publish(id)).then({ status: 200 });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s.spec().when(publish(id)).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('409 PLANNING_RELEASE_INVALID_TRANSITION once the release is cancelled', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, { type: 'ReleaseCancelled', data: { releaseId: id, reason: 'No', cancelledBy: manager.id } })
      .when(publish(id))
      .then({ status: 409, code: PlanningErrorCodes.INVALID_TRANSITION });
  });

  it('400 RAILYARD_REQUEST_INVALID for thresholds that do not parse', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(publish(id, { errorRate: { maxPercent: 'high' } }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
