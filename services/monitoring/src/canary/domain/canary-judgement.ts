import {
  type Actor,
  type CanaryJudgeInput,
  type CanaryJudgementEvent,
  type CanarySubject,
  invalid,
  MonitoringErrorCodes,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { JudgeInputError, type Judgement, judge } from './judge.js';

/** A stored judgement: what was judged and what came of it. */
export type CanaryJudgementState =
  | { exists: false }
  | {
      exists: true;
      judgementId: string;
      subject: CanarySubject;
      input: CanaryJudgeInput;
      result: Judgement;
      judgedBy: string;
    };

export interface JudgeCanary {
  type: 'JudgeCanary';
  actor: Actor;
  at: Date;
  judgementId: string;
  subject: CanarySubject;
  input: CanaryJudgeInput;
}

/** Judges the input (pure) and records input and result together, so the log alone can re-judge it. */
export const canaryJudgementDecider: Decider<JudgeCanary, CanaryJudgementEvent, CanaryJudgementState> = {
  initialState: { exists: false },
  evolve(_state, event) {
    const { judgementId, subject, input, result, judgedBy } = event.data;
    return { exists: true, judgementId, subject, input, result, judgedBy };
  },
  decide(command, state) {
    if (state.exists) throw ruleViolated(MonitoringErrorCodes.JUDGEMENT_EXISTS, 'This judgement is already recorded.');
    let result: Judgement;
    try {
      result = judge(command.input);
    } catch (error) {
      if (error instanceof JudgeInputError) throw invalid(MonitoringErrorCodes.CANARY_CONFIG_INVALID, error.message);
      throw error;
    }
    return [
      {
        type: 'CanaryJudged',
        data: {
          judgementId: command.judgementId,
          subject: command.subject,
          input: command.input,
          result,
          judgedBy: command.actor.id,
        },
      },
    ];
  },
};
