import { ErrorCodes, PlanningErrorCodes, ReleaseTrainCreated } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { accepted, added, frozen, itemA, manager, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs, train } from '../../test-support/release-spec.js';
import { slotOn } from '../../trains/domain/slots.js';
import { trainStream } from '../../trains/train-commands.js';

describe('PUT /releases/:id/train-slot', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('attachToSlot');
  });
  afterAll(async () => {
    await s?.close();
  });
  const attach = (id: string, trainId: string, slotDate: string) =>
    s.request('PUT', `/releases/${id}/train-slot`, manager, { trainId, slotDate });
  const withTrain = () => {
    const trainId = s.fresh().id;
    return { trainId, trainStream: trainStream(trainId), created: event(ReleaseTrainCreated, train(trainId)) };
  };

  it('rides the slot; its cutoff becomes the slot’s: ReleaseAttachedToSlot', async () => {
    const { id, stream } = s.fresh();
    const t = withTrain();
    const slot = slotOn(train(t.trainId), '2026-12-03')!;
    await s
      .given(id, planned)
      .given(t.trainStream, t.created)
      .when(attach(id, t.trainId, '2026-12-03'))
      .then({
        status: 200,
        events: {
          [stream]: releaseEventsOf(id, [
            { type: 'ReleaseAttachedToSlot', data: { releaseId: id, trainId: t.trainId, ...slot } },
          ]),
        },
      });
  });

  it('422 PLANNING_SLOT_NOT_ON_CADENCE for a day that is not a slot', async () => {
    const { id } = s.fresh();
    const t = withTrain();
    await s
      .given(id, planned)
      .given(t.trainStream, t.created)
      .when(attach(id, t.trainId, '2026-12-02'))
      .then({ status: 422, code: PlanningErrorCodes.SLOT_NOT_ON_CADENCE });
  });

  it('409 PLANNING_SLOT_CUTOFF_PASSED for a slot whose cutoff has passed', async () => {
    const { id } = s.fresh();
    const t = withTrain();
    await s
      .given(id, planned)
      .given(t.trainStream, t.created)
      .when(attach(id, t.trainId, '2026-11-26'))
      .then({ status: 409, code: PlanningErrorCodes.SLOT_CUTOFF_PASSED });
  });

  it('404 PLANNING_TRAIN_NOT_FOUND', async () => {
    const { id } = s.fresh();
    const t = withTrain();
    await s
      .given(id, planned)
      .given(t.trainStream)
      .when(attach(id, t.trainId, '2026-12-03'))
      .then({ status: 404, code: PlanningErrorCodes.TRAIN_NOT_FOUND });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    const t = withTrain();
    await s
      .spec()
      .given(t.trainStream, t.created)
      .when(attach(id, t.trainId, '2026-12-03'))
      .then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('409 PLANNING_FREEZE_ACTIVE once frozen', async () => {
    const { id } = s.fresh();
    const t = withTrain();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen)
      .given(t.trainStream, t.created)
      .when(attach(id, t.trainId, '2026-12-03'))
      .then({ status: 409, code: ErrorCodes.PLANNING_FREEZE_ACTIVE });
  });
});
