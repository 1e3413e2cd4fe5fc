import { PlanningErrorCodes, ReleaseTrainCreated } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { manager } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, startReleaseSpecs } from '../../test-support/release-spec.js';
import { trainStream } from '../train-commands.js';

describe('POST /release-trains', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('createTrain');
  });
  afterAll(async () => {
    await s?.close();
  });
  const create = (body: Record<string, unknown>) =>
    s.request('POST', '/release-trains', manager, {
      name: 'Thursday train',
      timeZone: 'Europe/Paris',
      firstSlot: '2026-11-05',
      everyWeeks: 1,
      teams: ['payments', 'web'],
      ...body,
    });

  it('creates the train with its cadence and teams (defaults filled in): ReleaseTrainCreated', async () => {
    await s
      .spec()
      .when(create({}))
      .then({
        status: 201,
        body: { name: 'Thursday train', timeZone: 'Europe/Paris' },
        events: (res) => {
          const trainId = res.json().id as string;
          return {
            [trainStream(trainId)]: [
              event(ReleaseTrainCreated, {
                trainId,
                name: 'Thursday train',
                timeZone: 'Europe/Paris',
                firstSlot: '2026-11-05',
                everyWeeks: 1,
                releaseTime: '10:00',
                cutoffDaysBefore: 2,
                teams: ['payments', 'web'],
                createdBy: manager.id,
              }),
            ],
          };
        },
      });
  });

  it('422 PLANNING_TIME_ZONE_UNKNOWN', async () => {
    await s
      .spec()
      .when(create({ timeZone: 'Mars/Olympus' }))
      .then({ status: 422, code: PlanningErrorCodes.TIME_ZONE_UNKNOWN });
  });

  it('422 PLANNING_TRAIN_TEAM_DUPLICATE for a team listed twice', async () => {
    await s
      .spec()
      .when(create({ teams: ['payments', 'payments'] }))
      .then({ status: 422, code: PlanningErrorCodes.TRAIN_TEAM_DUPLICATE });
  });
});
