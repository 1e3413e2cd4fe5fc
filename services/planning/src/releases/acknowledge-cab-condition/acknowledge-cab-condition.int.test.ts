import { PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cab1, cabApproved, manager, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

describe('POST /releases/:id/cab-conditions/:conditionId/acknowledge', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('acknowledgeCondition');
  });
  afterAll(async () => {
    await s?.close();
  });
  const ack = (id: string, conditionId: string) =>
    s.request('POST', `/releases/${id}/cab-conditions/${conditionId}/acknowledge`, manager, { note: 'Done' });
  const condition = [{ conditionId: 'c1', text: 'Warm the caches', setBy: cab1.id }];

  it('acknowledges the condition: CabConditionAcknowledged', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, ...cabApproved(condition))
      .when(ack(id, 'c1'))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            {
              type: 'CabConditionAcknowledged',
              data: { releaseId: id, conditionId: 'c1', acknowledgedBy: manager.id, note: 'Done' },
            },
          ]),
        },
      });
  });

  it('404 PLANNING_CAB_CONDITION_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .given(id, ...cabApproved(condition))
      .when(ack(id, 'c9'))
      .then({ status: 404, code: PlanningErrorCodes.CAB_CONDITION_NOT_FOUND });
  });

  it('409 PLANNING_RELEASE_INVALID_TRANSITION before the CAB approved', async () => {
    const { id } = s.fresh();
    await s.given(id, planned).when(ack(id, 'c1')).then({ status: 409, code: PlanningErrorCodes.INVALID_TRANSITION });
  });
});
