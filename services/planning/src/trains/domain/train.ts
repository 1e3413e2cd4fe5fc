import {
  type Actor,
  invalid,
  notFound,
  PlanningErrorCodes,
  type ReleaseTrainEvent,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { isKnownZone } from './slots.js';

export interface Cadence {
  timeZone: string;
  firstSlot: string;
  everyWeeks: number;
  releaseTime: string;
  cutoffDaysBefore: number;
}
export interface ReleaseTrain extends Cadence {
  exists: true;
  id: string;
  name: string;
  teams: string[];
}
export type TrainState = { exists: false } | ReleaseTrain;

interface Issued {
  actor: Actor;
  at: Date;
}
export type CreateTrain = Issued & Cadence & { type: 'CreateTrain'; trainId: string; name: string; teams: string[] };
export type JoinTrain = Issued & { type: 'JoinTrain'; team: string };
export type LeaveTrain = Issued & { type: 'LeaveTrain'; team: string };
export type TrainCommand = CreateTrain | JoinTrain | LeaveTrain;

export function evolveTrain(state: TrainState, event: ReleaseTrainEvent): TrainState {
  switch (event.type) {
    case 'ReleaseTrainCreated': {
      const { trainId, name, teams, timeZone, firstSlot, everyWeeks, releaseTime, cutoffDaysBefore } = event.data;
      return { exists: true, id: trainId, name, teams, timeZone, firstSlot, everyWeeks, releaseTime, cutoffDaysBefore };
    }
    case 'ReleaseTrainTeamJoined':
      return state.exists ? { ...state, teams: [...state.teams, event.data.team] } : state;
    case 'ReleaseTrainTeamLeft':
      return state.exists ? { ...state, teams: state.teams.filter((t) => t !== event.data.team) } : state;
  }
}

function existing(state: TrainState): ReleaseTrain {
  if (!state.exists) throw notFound(PlanningErrorCodes.TRAIN_NOT_FOUND, 'No release train with this id.');
  return state;
}

function create(command: CreateTrain, state: TrainState): ReleaseTrainEvent[] {
  if (state.exists) throw ruleViolated(PlanningErrorCodes.TRAIN_EXISTS, 'A train with this id already exists.');
  if (!isKnownZone(command.timeZone)) {
    throw invalid(PlanningErrorCodes.TIME_ZONE_UNKNOWN, `${command.timeZone} is not an IANA time zone.`);
  }
  const teams = [...new Set(command.teams)];
  if (teams.length !== command.teams.length) {
    throw invalid(PlanningErrorCodes.TRAIN_TEAM_DUPLICATE, 'A team is listed twice.');
  }
  const { trainId, name, timeZone, firstSlot, everyWeeks, releaseTime, cutoffDaysBefore } = command;
  return [
    {
      type: 'ReleaseTrainCreated',
      data: {
        trainId,
        name,
        timeZone,
        firstSlot,
        everyWeeks,
        releaseTime,
        cutoffDaysBefore,
        teams,
        createdBy: command.actor.id,
      },
    },
  ];
}

/** The release train decider (P2): cadence fixed at creation, member teams join and leave. */
export const trainDecider: Decider<TrainCommand, ReleaseTrainEvent, TrainState> = {
  initialState: { exists: false },
  evolve: evolveTrain,
  decide(command, state) {
    switch (command.type) {
      case 'CreateTrain':
        return create(command, state);
      case 'JoinTrain': {
        const train = existing(state);
        if (train.teams.includes(command.team)) {
          throw ruleViolated(PlanningErrorCodes.TRAIN_TEAM_DUPLICATE, `${command.team} is already on the train.`);
        }
        return [
          { type: 'ReleaseTrainTeamJoined', data: { trainId: train.id, team: command.team, by: command.actor.id } },
        ];
      }
      case 'LeaveTrain': {
        const train = existing(state);
        if (!train.teams.includes(command.team)) {
          throw ruleViolated(PlanningErrorCodes.TRAIN_TEAM_NOT_MEMBER, `${command.team} is not on the train.`);
        }
        return [
          { type: 'ReleaseTrainTeamLeft', data: { trainId: train.id, team: command.team, by: command.actor.id } },
        ];
      }
    }
  },
};
