import { PlanningErrorCodes, type ReleaseEvent } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cab1, cabRequested, manager, planned, policyId, readyForCab } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

const approved = (conditions: { conditionId: string; text: string; setBy: string }[] = []): ReleaseEvent[] => [
  ...readyForCab,
  cabRequested(1),
  {
    type: 'CabDecisionRecorded',
    data: {
      releaseId: policyId,
      round: 1,
      decision: 'approved',
      policyId,
      policyVersion: 1,
      score: 12,
      level: 'medium',
      voters: [cab1.id],
      conditions,
    },
  },
];
const _deploying: ReleaseEvent = {
  type: 'ReleaseDeploymentStarted',
  data: { releaseId: policyId, startedBy: manager.id },
};

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
      .given(id, ...approved(condition))
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
      .given(id, ...approved(condition))
      .when(ack(id, 'c9'))
      .then({ status: 404, code: PlanningErrorCodes.CAB_CONDITION_NOT_FOUND });
  });

  it('409 PLANNING_RELEASE_INVALID_TRANSITION before the CAB approved', async () => {
    const { id } = s.fresh();
    await s.given(id, planned).when(ack(id, 'c1')).then({ status: 409, code: PlanningErrorCodes.INVALID_TRANSITION });
  });
});
