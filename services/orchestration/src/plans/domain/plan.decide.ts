import {
  type Actor,
  invalid,
  notFound,
  OrchestrationErrorCodes,
  type PlanFlag,
  type PlannedService,
  type PlanRollbackStep,
  type RolloutPlanEvent,
  type Runbook,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import {
  evolvePlan,
  initialPlanState,
  isFinished,
  openMandatorySteps,
  openStage,
  type Plan,
  type PlanDeploymentStatus,
  type PlanState,
  stageCount,
  stageFor,
  stageOf,
} from './plan.js';
import { planWaves } from './waves.js';

interface Issued {
  actor: Actor;
  at: Date;
}
/** How long a minute lasts (ORCHESTRATION_MINUTE_MS): tests shorten it, the decider only multiplies. */
interface Timed {
  minuteMs: number;
}
export type CreatePlan = Issued & {
  type: 'CreatePlan';
  planId: string;
  releaseId: string;
  environments: string[];
  services: PlannedService[];
  lead: string;
  escalation: string[];
  ackTimeoutMinutes: number;
  runbook: Runbook | null;
  flags: PlanFlag[];
  reason: string;
};
export type PlanControl = Issued & Timed & { type: 'Promote' | 'Pause' | 'Resume' | 'Abort' | 'Retry'; reason: string };
export type JoinDeployment = {
  type: 'JoinDeployment';
  deploymentId: string;
  service: string;
  environment: string;
  version: string;
  rollbackTo: string | null;
};
export type ProgressDeployment = Issued &
  Timed & {
    type: 'ProgressDeployment';
    deploymentId: string;
    status: Exclude<PlanDeploymentStatus, 'waiting'>;
    eventId: string;
  };
export type RecordRunbookStep = Issued & {
  type: 'RecordRunbookStep';
  stepId: string;
  outcome: 'done' | 'skipped' | 'failed';
  reason: string;
  evidence: string | null;
};
export type RequestDecision = Issued &
  Timed & { type: 'RequestDecision'; decisionId: string; deploymentId: string | null; detail: string };
export type EscalateDecisions = Issued & Timed & { type: 'EscalateDecisions' };
export type AcknowledgeDecision = Issued & { type: 'AcknowledgeDecision'; decisionId: string; note: string };
export type StartRollback = Issued & { type: 'StartRollback'; steps: PlanRollbackStep[]; reason: string };
export type RecordRollbackStep = {
  type: 'RecordRollbackStep';
  index: number;
  outcome: 'requested' | 'done' | 'failed';
  detail: string;
};
export type TurnOnFlag = { type: 'TurnOnFlag'; key: string; detail: string };
export type PlanCommand =
  | CreatePlan
  | PlanControl
  | JoinDeployment
  | ProgressDeployment
  | RecordRunbookStep
  | RequestDecision
  | EscalateDecisions
  | AcknowledgeDecision
  | StartRollback
  | RecordRollbackStep
  | TurnOnFlag;

const dueAt = (plan: Plan, at: Date, minuteMs: number) =>
  new Date(at.getTime() + plan.ackTimeoutMinutes * minuteMs).toISOString();

function existing(state: PlanState): Plan {
  if (!state.exists) throw notFound(OrchestrationErrorCodes.PLAN_NOT_FOUND, 'No rollout plan with this id.');
  return state;
}
function notFinished(plan: Plan): Plan {
  if (isFinished(plan)) {
    throw ruleViolated(
      OrchestrationErrorCodes.PLAN_FINISHED,
      `The plan is ${plan.status}: it takes no more commands.`,
      {
        status: plan.status,
      },
    );
  }
  return plan;
}
const conflict = (plan: Plan, what: string) =>
  ruleViolated(OrchestrationErrorCodes.PLAN_STATE_CONFLICT, `The plan is ${plan.status}: ${what}.`, {
    status: plan.status,
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

function create(c: CreatePlan, state: PlanState): RolloutPlanEvent[] {
  if (state.exists) throw ruleViolated(OrchestrationErrorCodes.PLAN_STATE_CONFLICT, 'This plan already exists.');
  const { waves } = planWaves(c.services);
  const names = c.services.map((s) => s.service);
  if (c.runbook) prevalidateRunbook(c.runbook, c.environments, names);
  const events: RolloutPlanEvent[] = [
    {
      type: 'RolloutPlanCreated',
      data: {
        planId: c.planId,
        releaseId: c.releaseId,
        environments: c.environments,
        services: c.services,
        waves,
        lead: c.lead,
        escalation: c.escalation,
        ackTimeoutMinutes: c.ackTimeoutMinutes,
        createdBy: c.actor.id,
        reason: c.reason,
      },
    },
  ];
  if (c.runbook) events.push({ type: 'RunbookAttached', data: { planId: c.planId, runbook: c.runbook } });
  if (c.flags.length > 0) events.push({ type: 'PlanFlagsDeclared', data: { planId: c.planId, flags: c.flags } });
  return events;
}

/**
 * What follows once nothing is open: the next stage starts while the plan runs; after the last, the plan completes,
 * or waits for its mandatory runbook steps (O5: a plan cannot complete while one is open).
 */
function advance(plan: Plan, at: Date): RolloutPlanEvent[] {
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
function andThen(plan: Plan, events: RolloutPlanEvent[], at: Date): RolloutPlanEvent[] {
  let state: PlanState = plan;
  for (const e of events) state = evolvePlan(state, e);
  return [...events, ...advance(state as Plan, at)];
}

function control(c: PlanControl, state: PlanState): RolloutPlanEvent[] {
  const plan = notFinished(existing(state));
  const base = { planId: plan.planId, by: c.actor.id, reason: c.reason };
  switch (c.type) {
    case 'Promote':
      if (plan.status !== 'planned') throw conflict(plan, 'only a planned plan is promoted');
      return andThen(plan, [{ type: 'RolloutPlanPromoted', data: base }], c.at);
    case 'Pause':
      if (plan.status !== 'running') throw conflict(plan, 'only a running plan is paused');
      return [{ type: 'RolloutPlanPaused', data: base }];
    case 'Resume':
      if (plan.status !== 'paused') throw conflict(plan, 'only a paused plan is resumed');
      return andThen(plan, [{ type: 'RolloutPlanResumed', data: base }], c.at);
    case 'Abort':
      if (plan.status === 'rolling-back') throw conflict(plan, 'a rollback is under way');
      return [{ type: 'RolloutPlanAborted', data: base }];
    case 'Retry': {
      const stage = openStage(plan);
      if (!plan.waveFailed || stage === null) throw conflict(plan, 'no wave has failed, there is nothing to retry');
      return [{ type: 'RolloutPlanRetried', data: { ...base, stage } }];
    }
  }
}

function join(c: JoinDeployment, state: PlanState): RolloutPlanEvent[] {
  if (!state.exists || state.deployments.some((d) => d.deploymentId === c.deploymentId)) return [];
  const stage = stageFor(state, c.service, c.environment);
  if (stage === null) return [];
  const { type: _t, ...d } = c;
  return [{ type: 'PlanDeploymentJoined', data: { planId: state.planId, ...d, stage } }];
}

function waveDone(plan: Plan, stage: number): string[] | null {
  const { environment, services } = stageOf(plan, stage);
  const ids: string[] = [];
  for (const service of services) {
    const planned = plan.services.find((s) => s.service === service)!;
    const ok = plan.deployments.findLast(
      (d) =>
        d.service === service &&
        d.environment === environment &&
        d.version === planned.version &&
        d.status === 'succeeded',
    );
    if (!ok) return null;
    ids.push(ok.deploymentId);
  }
  return ids;
}

function progress(c: ProgressDeployment, state: PlanState): RolloutPlanEvent[] {
  if (!state.exists) return [];
  const d = state.deployments.find((x) => x.deploymentId === c.deploymentId);
  if (!d || d.status === c.status) return [];
  const plan = state;
  const events: RolloutPlanEvent[] = [
    {
      type: 'PlanDeploymentProgressed',
      data: { planId: plan.planId, deploymentId: d.deploymentId, status: c.status, eventId: c.eventId },
    },
  ];
  const open = openStage(plan);
  const live = plan.status === 'running' || plan.status === 'paused';
  if (c.status === 'succeeded' && live && open === d.stage) {
    let next: PlanState = plan;
    for (const e of events) next = evolvePlan(next, e);
    const ids = waveDone(next as Plan, open);
    if (ids) {
      const { environment, wave } = stageOf(plan, open);
      events.push({
        type: 'PlanWaveCompleted',
        data: { planId: plan.planId, stage: open, environment, wave, deploymentIds: ids },
      });
      return andThen(plan, events, c.at);
    }
  }
  if (c.status === 'failed' && live && open === d.stage && !plan.waveFailed) {
    const { environment, wave } = stageOf(plan, open);
    const reason = `The deployment ${d.deploymentId} of ${d.service} failed in ${environment}.`;
    events.push(
      {
        type: 'PlanWaveFailed',
        data: {
          planId: plan.planId,
          stage: open,
          environment,
          wave,
          deploymentId: d.deploymentId,
          service: d.service,
          reason,
        },
      },
      {
        type: 'LeadDecisionRequested',
        data: {
          planId: plan.planId,
          decisionId: `wave-failed-${d.deploymentId}`,
          kind: 'wave-failed',
          deploymentId: d.deploymentId,
          askedOf: plan.lead,
          level: 0,
          dueAt: dueAt(plan, c.at, c.minuteMs),
          detail: `${reason} Retry, abort or roll back.`,
        },
      },
    );
  }
  if ((c.status === 'rolled-back' || c.status === 'rollback-failed') && plan.rollback) {
    plan.rollback.steps.forEach((step, index) => {
      if (step.kind === 'rollback-deployment' && step.deploymentId === d.deploymentId) {
        const outcome = c.status === 'rolled-back' ? 'done' : 'failed';
        events.push({
          type: 'PlanRollbackStepRecorded',
          data: { planId: plan.planId, index, outcome, detail: `Deployment ${c.status}.` },
        });
      }
    });
    return withRollbackEnd(plan, events);
  }
  return events;
}

const FINAL = ['done', 'failed', 'refused'];
function withRollbackEnd(plan: Plan, events: RolloutPlanEvent[]): RolloutPlanEvent[] {
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

function runbookStep(c: RecordRunbookStep, state: PlanState): RolloutPlanEvent[] {
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

function requestDecision(c: RequestDecision, state: PlanState): RolloutPlanEvent[] {
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

function escalate(c: EscalateDecisions, state: PlanState): RolloutPlanEvent[] {
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

function acknowledge(c: AcknowledgeDecision, state: PlanState): RolloutPlanEvent[] {
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

function startRollback(c: StartRollback, state: PlanState): RolloutPlanEvent[] {
  const plan = existing(state);
  if (plan.status === 'rolling-back' || plan.status === 'rolled-back') {
    throw ruleViolated(OrchestrationErrorCodes.PLAN_FINISHED, `The plan is ${plan.status}.`, { status: plan.status });
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

function rollbackStep(c: RecordRollbackStep, state: PlanState): RolloutPlanEvent[] {
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

function turnOnFlag(c: TurnOnFlag, state: PlanState): RolloutPlanEvent[] {
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

export const planDecider: Decider<PlanCommand, RolloutPlanEvent, PlanState> = {
  initialState: initialPlanState,
  evolve: evolvePlan,
  decide(command, state) {
    switch (command.type) {
      case 'CreatePlan':
        return create(command, state);
      case 'Promote':
      case 'Pause':
      case 'Resume':
      case 'Abort':
      case 'Retry':
        return control(command, state);
      case 'JoinDeployment':
        return join(command, state);
      case 'ProgressDeployment':
        return progress(command, state);
      case 'RecordRunbookStep':
        return runbookStep(command, state);
      case 'RequestDecision':
        return requestDecision(command, state);
      case 'EscalateDecisions':
        return escalate(command, state);
      case 'AcknowledgeDecision':
        return acknowledge(command, state);
      case 'StartRollback':
        return startRollback(command, state);
      case 'RecordRollbackStep':
        return rollbackStep(command, state);
      case 'TurnOnFlag':
        return turnOnFlag(command, state);
    }
  },
};
