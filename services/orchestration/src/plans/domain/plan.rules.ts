import {
  invalid,
  notFound,
  OrchestrationErrorCodes,
  type RolloutPlanEvent,
  type Runbook,
  ruleViolated,
} from '@railyard/contracts';
import {
  evolvePlan,
  isFinished,
  openMandatorySteps,
  openStage,
  type Plan,
  type PlanState,
  stageCount,
  stageOf,
} from './plan.js';

// Rules every plan command shares: what a finished plan refuses, what follows once a stage is done, when a
// rollback ends, and when a decision falls due.

export const dueAt = (plan: Plan, at: Date, minuteMs: number) =>
  new Date(at.getTime() + plan.ackTimeoutMinutes * minuteMs).toISOString();

export function existing(state: PlanState): Plan {
  if (!state.exists) throw notFound(OrchestrationErrorCodes.PLAN_NOT_FOUND, 'No rollout plan with this id.');
  return state;
}
export function notFinished(plan: Plan): Plan {
  if (isFinished(plan)) {
    throw ruleViolated(
      OrchestrationErrorCodes.PLAN_FINISHED,
      `The plan is ${plan.status}: it takes no more commands.`,
      {
        planStatus: plan.status,
      },
    );
  }
  return plan;
}
export const conflict = (plan: Plan, what: string) =>
  ruleViolated(OrchestrationErrorCodes.PLAN_STATE_CONFLICT, `The plan is ${plan.status}: ${what}.`, {
    planStatus: plan.status,
  });

/** Pre-validation of a runbook (O5): unique step ids, and only environments and services of the plan. */
export function prevalidateRunbook(runbook: Runbook, environments: string[], services: string[]): void {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const step of runbook.steps) {
    if (ids.has(step.id)) problems.push(`step ${step.id} is listed twice`);
    ids.add(step.id);
    if (step.environment && !environments.includes(step.environment)) {
      problems.push(`step ${step.id} names environment ${step.environment}, which is not in the plan`);
    }
    if (step.service && !services.includes(step.service)) {
      problems.push(`step ${step.id} names service ${step.service}, which is not in the plan`);
    }
  }
  if (problems.length > 0) {
    throw invalid(
      OrchestrationErrorCodes.RUNBOOK_INVALID,
      `The runbook does not fit the plan: ${problems.join('; ')}.`,
      {
        problems,
      },
    );
  }
}

/**
 * What follows once nothing is open: the next stage starts while the plan runs; after the last, the plan completes,
 * or waits for its mandatory runbook steps (O5: a plan cannot complete while one is open).
 */
export function advance(plan: Plan, at: Date): RolloutPlanEvent[] {
  if (plan.status !== 'running' && plan.status !== 'awaiting-runbook') return [];
  if (openStage(plan) !== null) return [];
  if (plan.started < stageCount(plan)) {
    if (plan.status !== 'running') return [];
    const { environment, wave, services } = stageOf(plan, plan.started);
    return [
      { type: 'PlanWaveStarted', data: { planId: plan.planId, stage: plan.started, environment, wave, services } },
    ];
  }
  const open = openMandatorySteps(plan);
  if (open.length > 0) {
    return plan.status === 'awaiting-runbook'
      ? []
      : [{ type: 'RolloutPlanAwaitingRunbook', data: { planId: plan.planId, openSteps: open } }];
  }
  return [{ type: 'RolloutPlanCompleted', data: { planId: plan.planId, completedAt: at.toISOString() } }];
}

/** Applies the events to the plan, then what they lead to (a wave that completes opens the next…). */
export function andThen(plan: Plan, events: RolloutPlanEvent[], at: Date): RolloutPlanEvent[] {
  let state: PlanState = plan;
  for (const e of events) state = evolvePlan(state, e);
  return [...events, ...advance(state as Plan, at)];
}

export const FINAL = ['done', 'failed', 'refused'];
export function withRollbackEnd(plan: Plan, events: RolloutPlanEvent[]): RolloutPlanEvent[] {
  let next: PlanState = plan;
  for (const e of events) next = evolvePlan(next, e);
  const rb = (next as Plan).rollback;
  if ((next as Plan).status !== 'rolling-back' || !rb || !rb.outcomes.every((o) => o && FINAL.includes(o)))
    return events;
  const count = (o: string) => rb.outcomes.filter((x) => x === o).length;
  return [
    ...events,
    {
      type: 'RolloutPlanRolledBack',
      data: { planId: plan.planId, refusedSteps: count('refused'), failedSteps: count('failed') },
    },
  ];
}
