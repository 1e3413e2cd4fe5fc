import { ErrorCodes, PlanningErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { manager } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs } from '../../test-support/release-spec.js';
import { trainStream } from '../../trains/train-commands.js';
import { releaseStream } from '../release-commands.js';

describe('POST /releases', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('planRelease');
  });
  afterAll(async () => {
    await s?.close();
  });
  const plan = (body: Record<string, unknown>) =>
    s.request('POST', '/releases', manager, { name: '2026.12', targetDate: '2026-12-10', ...body });

  it('plans a release on a new stream: ReleasePlanned, owned by whoever planned it', async () => {
    await s
      .spec()
      .when(plan({}))
      .then({
        status: 201,
        body: { name: '2026.12', status: 'draft', owner: manager.id },
        events: (res) => {
          const id = res.json().id as string;
          return {
            [releaseStream(id)]: releaseEventsOf(id, [
              {
                type: 'ReleasePlanned',
                data: { releaseId: id, name: '2026.12', targetDate: '2026-12-10', owner: manager.id },
              },
            ]),
          };
        },
      });
  });

  it('422 PLANNING_TARGET_DATE_PAST for a target date before today', async () => {
    await s
      .spec()
      .when(plan({ targetDate: '2026-11-25' }))
      .then({ status: 422, code: ErrorCodes.PLANNING_TARGET_DATE_PAST });
  });

  it('404 PLANNING_TRAIN_NOT_FOUND for a train that does not exist', async () => {
    const trainId = s.fresh().id;
    await s
      .spec()
      .given(trainStream(trainId))
      .when(plan({ trainId }))
      .then({ status: 404, code: PlanningErrorCodes.TRAIN_NOT_FOUND });
  });

  it('400 RAILYARD_REQUEST_INVALID for an unknown field', async () => {
    await s
      .spec()
      .when(plan({ colour: 'red' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
