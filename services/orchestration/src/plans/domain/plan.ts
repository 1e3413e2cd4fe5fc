import type { PlanFlag, PlannedService, PlanRollbackStep, RolloutPlanEvent, Runbook } from '@railyard/contracts';

/** What a plan knows of one of its deployments, from the deployment's own events. */
export type PlanDeploymentStatus = 'waiting' | 'started' | 'succeeded' | 'failed' | 'rolled-back' | 'rollback-failed';
export interface PlanDeployment {
  deploymentId: string;
  service: string;
  environment: string;
  version: string;
  rollbackTo: string | null;
  stage: number;
  status: PlanDeploymentStatus;
}

export type PlanStatus =
  | 'planned'
  | 'running'
  | 'paused'
  | 'awaiting-runbook'
  | 'completed'
  | 'aborted'
  | 'rolling-back'
  | 'rolled-back';

export interface LeadDecision {
  decisionId: string;
  kind: 'canary-paused' | 'wave-failed';
  deploymentId: string | null;
  askedOf: string;
  level: number;
  dueAt: string | null;
  acknowledged: boolean;
  detail: string;
}

export type RollbackOutcome = 'requested' | 'done' | 'failed' | 'refused';
export type RunbookRecord = {
  outcome: 'done' | 'skipped' | 'failed';
  reason: string;
  evidence: string | null;
  by: string;
};

export interface Plan {
  exists: true;
  planId: string;
  releaseId: string;
  environments: string[];
  services: PlannedService[];
  waves: string[][];
  lead: string;
  escalation: string[];
  ackTimeoutMinutes: number;
  createdBy: string;
  status: PlanStatus;
  /** How many stages (environment × wave, in order) have opened, and how many completed. */
  started: number;
  completed: number;
  /** The deployment whose failure stopped the open wave, until a retry. */
  waveFailed: { deploymentId: string; service: string } | null;
  deployments: PlanDeployment[];
  runbook: Runbook | null;
  runbookRecords: Record<string, RunbookRecord>;
  flags: (PlanFlag & { turnedOn: boolean })[];
  decisions: LeadDecision[];
  rollback: { by: string; steps: PlanRollbackStep[]; outcomes: (RollbackOutcome | null)[] } | null;
}
export type PlanState = { exists: false } | Plan;

export const initialPlanState: PlanState = { exists: false };

/** Stages run environment by environment, wave by wave: stage = environment index × waves + wave index. */
export const stageCount = (plan: Plan) => plan.environments.length * plan.waves.length;
export const stageOf = (plan: Plan, stage: number) => ({
  environment: plan.environments[Math.floor(stage / plan.waves.length)]!,
  wave: stage % plan.waves.length,
  services: plan.waves[stage % plan.waves.length]!,
});
export function stageFor(plan: Plan, service: string, environment: string): number | null {
  const e = plan.environments.indexOf(environment);
  const w = plan.waves.findIndex((wave) => wave.includes(service));
  return e < 0 || w < 0 ? null : e * plan.waves.length + w;
}
/** The stage whose deployments may run now, if any. */
export const openStage = (plan: Plan): number | null => (plan.started > plan.completed ? plan.completed : null);

export const FINISHED: readonly PlanStatus[] = ['completed', 'aborted', 'rolled-back'];
export const isFinished = (plan: Plan) => FINISHED.includes(plan.status);

/** Mandatory runbook steps neither done nor skipped (a failed step is still open). */
export function openMandatorySteps(plan: Plan): string[] {
  if (!plan.runbook) return [];
  return plan.runbook.steps
    .filter((s) => s.mandatory)
    .filter((s) => {
      const r = plan.runbookRecords[s.id];
      return !r || r.outcome === 'failed';
    })
    .map((s) => s.id);
}

/** May this actor act as the plan's lead (pause, resume, abort, roll back)? The lead or an admin (O6). */
export const actsAsLead = (plan: Plan, actor: { id: string; roles: readonly string[] }) =>
  actor.id === plan.lead || actor.roles.includes('admin');

export function evolvePlan(state: PlanState, event: RolloutPlanEvent): PlanState {
  if (event.type === 'RolloutPlanCreated') {
    const d = event.data;
    return {
      exists: true,
      planId: d.planId,
      releaseId: d.releaseId,
      environments: d.environments,
      services: d.services,
      waves: d.waves,
      lead: d.lead,
      escalation: d.escalation,
      ackTimeoutMinutes: d.ackTimeoutMinutes,
      createdBy: d.createdBy,
      status: 'planned',
      started: 0,
      completed: 0,
      waveFailed: null,
      deployments: [],
      runbook: null,
      runbookRecords: {},
      flags: [],
      decisions: [],
      rollback: null,
    };
  }
  if (!state.exists) return state;
  const plan = state;
  switch (event.type) {
    case 'RunbookAttached':
      return { ...plan, runbook: event.data.runbook };
    case 'PlanFlagsDeclared':
      return { ...plan, flags: event.data.flags.map((f) => ({ ...f, turnedOn: false })) };
    case 'RolloutPlanPromoted':
    case 'RolloutPlanResumed':
      return { ...plan, status: 'running' };
    case 'PlanWaveStarted':
      return { ...plan, started: event.data.stage + 1 };
    case 'PlanWaveCompleted':
      return { ...plan, completed: event.data.stage + 1 };
    case 'PlanWaveFailed':
      return { ...plan, waveFailed: { deploymentId: event.data.deploymentId, service: event.data.service } };
    case 'RolloutPlanRetried':
      return { ...plan, waveFailed: null };
    case 'PlanDeploymentJoined': {
      const { planId: _p, ...d } = event.data;
      return { ...plan, deployments: [...plan.deployments, { ...d, status: 'waiting' }] };
    }
    case 'PlanDeploymentProgressed':
      return {
        ...plan,
        deployments: plan.deployments.map((d) =>
          d.deploymentId === event.data.deploymentId ? { ...d, status: event.data.status } : d,
        ),
      };
    case 'RolloutPlanPaused':
      return { ...plan, status: 'paused' };
    case 'RolloutPlanAborted':
      return { ...plan, status: 'aborted' };
    case 'RolloutPlanAwaitingRunbook':
      return { ...plan, status: 'awaiting-runbook' };
    case 'RolloutPlanCompleted':
      return { ...plan, status: 'completed' };
    case 'RunbookStepRecorded': {
      const { stepId, outcome, reason, evidence, by } = event.data;
      return { ...plan, runbookRecords: { ...plan.runbookRecords, [stepId]: { outcome, reason, evidence, by } } };
    }
    case 'PlanRollbackStarted':
      return {
        ...plan,
        status: 'rolling-back',
        rollback: { by: event.data.by, steps: event.data.steps, outcomes: event.data.steps.map(() => null) },
      };
    case 'PlanRollbackStepRecorded': {
      if (!plan.rollback) return plan;
      const outcomes = [...plan.rollback.outcomes];
      outcomes[event.data.index] = event.data.outcome;
      return { ...plan, rollback: { ...plan.rollback, outcomes } };
    }
    case 'RolloutPlanRolledBack':
      return { ...plan, status: 'rolled-back' };
    case 'LeadDecisionRequested': {
      const { decisionId, kind, deploymentId, askedOf, level, dueAt, detail } = event.data;
      return {
        ...plan,
        decisions: [
          ...plan.decisions,
          { decisionId, kind, deploymentId, askedOf, level, dueAt, detail, acknowledged: false },
        ],
      };
    }
    case 'LeadDecisionEscalated':
      return {
        ...plan,
        decisions: plan.decisions.map((d) =>
          d.decisionId === event.data.decisionId
            ? { ...d, askedOf: event.data.to, level: event.data.level, dueAt: event.data.dueAt }
            : d,
        ),
      };
    case 'LeadDecisionAcknowledged':
      return {
        ...plan,
        decisions: plan.decisions.map((d) =>
          d.decisionId === event.data.decisionId ? { ...d, acknowledged: true, dueAt: null } : d,
        ),
      };
    case 'PlanFlagTurnedOn':
      return { ...plan, flags: plan.flags.map((f) => (f.key === event.data.key ? { ...f, turnedOn: true } : f)) };
  }
}
