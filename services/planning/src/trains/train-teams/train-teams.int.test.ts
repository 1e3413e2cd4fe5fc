import {
  PlanningErrorCodes,
  ReleaseTrainCreated,
  ReleaseTrainTeamJoined,
  ReleaseTrainTeamLeft,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { manager } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, startReleaseSpecs, train } from '../../test-support/release-spec.js';
import { trainStream } from '../train-commands.js';

describe('POST /release-trains/:id/teams, DELETE /release-trains/:id/teams/:team', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('trainTeams');
  });
  afterAll(async () => {
    await s?.close();
  });
  const existing = () => {
    const trainId = s.fresh().id;
    return { trainId, stream: trainStream(trainId), created: event(ReleaseTrainCreated, train(trainId)) };
  };
  const join = (trainId: string, team: string) =>
    s.request('POST', `/release-trains/${trainId}/teams`, manager, { team });
  const leave = (trainId: string, team: string) =>
    s.request('DELETE', `/release-trains/${trainId}/teams/${team}`, manager);

  it('a team joins: ReleaseTrainTeamJoined', async () => {
    const { trainId, stream, created } = existing();
    await s
      .spec()
      .given(stream, created)
      .when(join(trainId, 'search'))
      .then({
        status: 200,
        events: { [stream]: [event(ReleaseTrainTeamJoined, { trainId, team: 'search', by: manager.id })] },
      });
  });

  it('a team leaves: ReleaseTrainTeamLeft', async () => {
    const { trainId, stream, created } = existing();
    await s
      .spec()
      .given(stream, created)
      .when(leave(trainId, 'web'))
      .then({
        status: 200,
        events: { [stream]: [event(ReleaseTrainTeamLeft, { trainId, team: 'web', by: manager.id })] },
      });
  });

  it('409 PLANNING_TRAIN_TEAM_DUPLICATE for a team already on the train', async () => {
    const { trainId, stream, created } = existing();
    await s
      .spec()
      .given(stream, created)
      .when(join(trainId, 'payments'))
      .then({ status: 409, code: PlanningErrorCodes.TRAIN_TEAM_DUPLICATE });
  });

  it('409 PLANNING_TRAIN_TEAM_NOT_MEMBER for a team not on the train', async () => {
    const { trainId, stream, created } = existing();
    await s
      .spec()
      .given(stream, created)
      .when(leave(trainId, 'search'))
      .then({ status: 409, code: PlanningErrorCodes.TRAIN_TEAM_NOT_MEMBER });
  });

  it('404 PLANNING_TRAIN_NOT_FOUND', async () => {
    const { trainId, stream } = existing();
    await s
      .spec()
      .given(stream)
      .when(join(trainId, 'search'))
      .then({ status: 404, code: PlanningErrorCodes.TRAIN_NOT_FOUND });
  });
});
