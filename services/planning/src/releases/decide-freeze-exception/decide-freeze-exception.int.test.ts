import { ErrorCodes, PlanningErrorCodes, type ReleaseEvent } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { accepted, added, dev, exc1, frozen, itemA, manager, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';

const requested: ReleaseEvent = {
  type: 'FreezeExceptionRequested',
  data: {
    releaseId: exc1,
    exceptionId: exc1,
    change: { action: 'remove-scope-item', itemId: itemA },
    justification: 'Outage fix',
    requestedBy: dev.id,
  },
};
const history = [planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen, requested];

describe('POST /releases/:id/freeze-exceptions/:exceptionId/decision', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('decideException');
  });
  afterAll(async () => {
    await s?.close();
  });
  const decide = (id: string, by = manager, exceptionId = exc1) =>
    s.request('POST', `/releases/${id}/freeze-exceptions/${exceptionId}/decision`, by, {
      decision: 'approved',
      reason: 'Customer impact',
    });

  it('a release manager approves: FreezeExceptionDecided', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, ...history)
      .when(decide(id))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            {
              type: 'FreezeExceptionDecided',
              data: {
                releaseId: id,
                exceptionId: exc1,
                decision: 'approved',
                reason: 'Customer impact',
                decidedBy: manager.id,
              },
            },
          ]),
        },
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s.spec().when(decide(id)).then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('404 PLANNING_EXCEPTION_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .given(id, ...history)
      .when(decide(id, manager, itemA))
      .then({ status: 404, code: PlanningErrorCodes.EXCEPTION_NOT_FOUND });
  });

  it('409 PLANNING_EXCEPTION_ALREADY_DECIDED', async () => {
    const { id } = s.fresh();
    await s
      .given(id, ...history, {
        type: 'FreezeExceptionDecided',
        data: { releaseId: id, exceptionId: exc1, decision: 'denied', decidedBy: manager.id },
      })
      .when(decide(id))
      .then({ status: 409, code: PlanningErrorCodes.EXCEPTION_ALREADY_DECIDED });
  });

  it('409 PLANNING_EXCEPTION_SELF_APPROVAL for the requester', async () => {
    const { id } = s.fresh();
    const requester = { ...dev, roles: ['release-manager'] };
    await s
      .given(id, ...history)
      .when(decide(id, requester))
      .then({ status: 409, code: PlanningErrorCodes.EXCEPTION_SELF_APPROVAL });
  });
});
