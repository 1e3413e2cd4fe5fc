import type { Actor, PlanFlag, PlannedService, PlanRollbackStep, Runbook } from '@railyard/contracts';
import type { PlanDeploymentStatus } from './plan.js';

/** The rollout plan's commands: what people, the progress worker and the scheduler ask of a plan. */
export interface Issued {
  actor: Actor;
  at: Date;
}
/** How long a minute lasts (ORCHESTRATION_MINUTE_MS): tests shorten it, the decider only multiplies. */
export interface Timed {
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
