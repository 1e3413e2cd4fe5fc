import { invalid, notFound, OrchestrationErrorCodes, type RolloutPlanEvent, ruleViolated } from '@railyard/contracts';
import type {
  AcknowledgeDecision,
  EscalateDecisions,
  RecordRollbackStep,
  RecordRunbookStep,
  RequestDecision,
  StartRollback,
  TurnOnFlag,
} from './plan.commands.js';
import { isFinished, type PlanState } from './plan.js';
import { andThen, dueAt, existing, FINAL, notFinished, withRollbackEnd } from './plan.rules.js';

// The plan's commands after the waves: runbook steps (O5), the lead's decisions and their escalation (O6), the
// rollback's steps (R1) and the flags a plan turns on.

export function runbookStep(c: RecordRunbookStep, state: PlanState): RolloutPlanEvent[] {
  const plan = notFinished(existing(state));
  const step = plan.runbook?.steps.find((s) => s.id === c.stepId);
  if (!step)
    throw notFound(OrchestrationErrorCodes.RUNBOOK_STEP_NOT_FOUND, `The plan's runbook has no step ${c.stepId}.`);
  const prior = plan.runbookRecords[c.stepId];
  if (prior && prior.outcome !== 'failed') {
    throw ruleViolated(OrchestrationErrorCodes.RUNBOOK_STEP_CLOSED, `Step ${c.stepId} is already ${prior.outcome}.`);
  }
  if (c.outcome !== 'done' && c.reason.trim() === '') {
    throw invalid(OrchestrationErrorCodes.RUNBOOK_INVALID, `A ${c.outcome} step needs a reason.`);
  }
  const recorded: RolloutPlanEvent = {
    type: 'RunbookStepRecorded',
    data: {
      planId: plan.planId,
      stepId: c.stepId,
      outcome: c.outcome,
      reason: c.reason,
      evidence: c.evidence,
      by: c.actor.id,
    },
  };
  return andThen(plan, [recorded], c.at);
}

export function requestDecision(c: RequestDecision, state: PlanState): RolloutPlanEvent[] {
  if (!state.exists || isFinished(state) || state.decisions.some((d) => d.decisionId === c.decisionId)) return [];
  return [
    {
      type: 'LeadDecisionRequested',
      data: {
        planId: state.planId,
        decisionId: c.decisionId,
        kind: 'canary-paused',
        deploymentId: c.deploymentId,
        askedOf: state.lead,
        level: 0,
        dueAt: dueAt(state, c.at, c.minuteMs),
        detail: c.detail,
      },
    },
  ];
}

export function escalate(c: EscalateDecisions, state: PlanState): RolloutPlanEvent[] {
  if (!state.exists) return [];
  const plan = state;
  return plan.decisions
    .filter((d) => !d.acknowledged && d.dueAt !== null && new Date(d.dueAt) <= c.at)
    .flatMap((d): RolloutPlanEvent[] => {
      const to = plan.escalation[d.level];
      if (!to) return [];
      const more = plan.escalation.length > d.level + 1;
      return [
        {
          type: 'LeadDecisionEscalated',
          data: {
            planId: plan.planId,
            decisionId: d.decisionId,
            from: d.askedOf,
            to,
            level: d.level + 1,
            dueAt: more ? dueAt(plan, c.at, c.minuteMs) : null,
          },
        },
      ];
    });
}

export function acknowledge(c: AcknowledgeDecision, state: PlanState): RolloutPlanEvent[] {
  const plan = existing(state);
  const d = plan.decisions.find((x) => x.decisionId === c.decisionId);
  if (!d) throw notFound(OrchestrationErrorCodes.DECISION_NOT_FOUND, `The plan has no decision ${c.decisionId}.`);
  if (d.acknowledged) return [];
  return [
    {
      type: 'LeadDecisionAcknowledged',
      data: { planId: plan.planId, decisionId: d.decisionId, by: c.actor.id, note: c.note },
    },
  ];
}

export function startRollback(c: StartRollback, state: PlanState): RolloutPlanEvent[] {
  const plan = existing(state);
  if (plan.status === 'rolling-back' || plan.status === 'rolled-back') {
    throw ruleViolated(OrchestrationErrorCodes.PLAN_FINISHED, `The plan is ${plan.status}.`, {
      planStatus: plan.status,
    });
  }
  const events: RolloutPlanEvent[] = [
    { type: 'PlanRollbackStarted', data: { planId: plan.planId, by: c.actor.id, reason: c.reason, steps: c.steps } },
  ];
  c.steps.forEach((step, index) => {
    if (step.kind === 'refused') {
      events.push({
        type: 'PlanRollbackStepRecorded',
        data: { planId: plan.planId, index, outcome: 'refused', detail: step.reason },
      });
    }
  });
  return withRollbackEnd(plan, events);
}

export function rollbackStep(c: RecordRollbackStep, state: PlanState): RolloutPlanEvent[] {
  if (!state.exists || state.status !== 'rolling-back' || !state.rollback) return [];
  const current = state.rollback.outcomes[c.index];
  if (current === undefined || current === c.outcome || (current && FINAL.includes(current))) return [];
  return withRollbackEnd(state, [
    {
      type: 'PlanRollbackStepRecorded',
      data: { planId: state.planId, index: c.index, outcome: c.outcome, detail: c.detail },
    },
  ]);
}

export function turnOnFlag(c: TurnOnFlag, state: PlanState): RolloutPlanEvent[] {
  if (!state.exists) return [];
  const flag = state.flags.find((f) => f.key === c.key);
  if (!flag || flag.turnedOn || flag.enableAfterWave === null) return [];
  return [
    {
      type: 'PlanFlagTurnedOn',
      data: { planId: state.planId, key: c.key, afterWave: flag.enableAfterWave, detail: c.detail },
    },
  ];
}
