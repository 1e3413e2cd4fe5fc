import { OrchestrationErrorCodes, type RolloutPlanEvent, ruleViolated } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import type { CreatePlan, JoinDeployment, PlanCommand, PlanControl, ProgressDeployment } from './plan.commands.js';
import { evolvePlan, initialPlanState, openStage, type Plan, type PlanState, stageFor, stageOf } from './plan.js';
import { andThen, conflict, dueAt, existing, notFinished, prevalidateRunbook, withRollbackEnd } from './plan.rules.js';
import {
  acknowledge,
  escalate,
  requestDecision,
  rollbackStep,
  runbookStep,
  startRollback,
  turnOnFlag,
} from './plan-lead.decide.js';
import { planWaves } from './waves.js';

export type * from './plan.commands.js';

function create(c: CreatePlan, state: PlanState): RolloutPlanEvent[] {
  if (state.exists) throw ruleViolated(OrchestrationErrorCodes.PLAN_EXISTS, 'This plan already exists.');
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
