import { type Actor, PlanningErrorCodes, type ReleaseTrainEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { type TrainCommand, trainDecider } from './train.js';

const rm: Actor = { id: 'rm-ana', kind: 'user', roles: ['release-manager'] };
const at = new Date('2026-11-26T09:30:00Z');
const trainId = '0193a000-0000-7000-8000-0000000000f9';
const cadence = {
  timeZone: 'Europe/Paris',
  firstSlot: '2026-12-01',
  everyWeeks: 2,
  releaseTime: '10:00',
  cutoffDaysBefore: 2,
};
const create = (extra: Partial<TrainCommand> = {}) =>
  ({
    type: 'CreateTrain',
    actor: rm,
    at,
    trainId,
    name: 'Payments',
    teams: ['payments'],
    ...cadence,
    ...extra,
  }) as TrainCommand;
const created: ReleaseTrainEvent = {
  type: 'ReleaseTrainCreated',
  data: { trainId, name: 'Payments', ...cadence, teams: ['payments'], createdBy: rm.id },
};
const train = spec(trainDecider);

describe('release trains (P2)', () => {
  it('creates a train with its cadence and teams', () => {
    train.when(create()).then([created]);
  });
  it('refuses a time zone that is not IANA', () => {
    train
      .when(create({ timeZone: 'Mars/Olympus' } as Partial<TrainCommand>))
      .thenThrows(PlanningErrorCodes.TIME_ZONE_UNKNOWN);
  });
  it('refuses a team listed twice, and a second creation', () => {
    train
      .when(create({ teams: ['a', 'a'] } as Partial<TrainCommand>))
      .thenThrows(PlanningErrorCodes.TRAIN_TEAM_DUPLICATE);
    train.given([created]).when(create()).thenThrows(PlanningErrorCodes.TRAIN_EXISTS);
  });
  it('lets teams join and leave', () => {
    train
      .given([created])
      .when({ type: 'JoinTrain', actor: rm, at, team: 'web' })
      .then([{ type: 'ReleaseTrainTeamJoined', data: { trainId, team: 'web', by: rm.id } }]);
    train
      .given([created])
      .when({ type: 'JoinTrain', actor: rm, at, team: 'payments' })
      .thenThrows(PlanningErrorCodes.TRAIN_TEAM_DUPLICATE);
    train
      .given([created])
      .when({ type: 'LeaveTrain', actor: rm, at, team: 'web' })
      .thenThrows(PlanningErrorCodes.TRAIN_TEAM_NOT_MEMBER);
    train.when({ type: 'JoinTrain', actor: rm, at, team: 'web' }).thenThrows(PlanningErrorCodes.TRAIN_NOT_FOUND);
  });
});
