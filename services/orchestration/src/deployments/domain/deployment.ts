import type {
  ChangeCommit,
  DeploymentEvent,
  DeploymentStepPlan,
  RollbackTrigger,
  RolloutStrategy,
} from '@railyard/contracts';

type Artifact = { name: string; version: string; sha256: string };

/** What every outcome event of a deployment repeats (see the contract's `subject`). */
export interface DeploymentSubject {
  deploymentId: string;
  runId: string;
  stage: number;
  releaseId: string | null;
  planId: string | null;
  service: string;
  environment: string;
  environmentTier: 'dev' | 'test' | 'staging' | 'preprod' | 'prod' | 'ephemeral' | null;
  artifact: Artifact;
}

export type DeploymentStatus =
  | 'waiting'
  | 'refused'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'rolling-back'
  | 'rolled-back'
  | 'rollback-failed';

/** One step of the deployment as the stream tells it: planned, sent (with its request id), or completed. */
export interface StepRecord {
  plan: DeploymentStepPlan;
  status: 'pending' | 'started' | 'succeeded' | 'failed';
  requestId: string | null;
  callbackId: string | null;
  detail: string | null;
  /** The rollback step, appended when a rollback starts; not one of the strategy's steps. */
  rollback: boolean;
}

export interface ActiveDeployment {
  exists: true;
  subject: DeploymentSubject;
  strategy: RolloutStrategy;
  rollbackTarget: Artifact | null;
  commits: ChangeCommit[];
  requestedAt: string;
  status: DeploymentStatus;
  reason: string;
  driver: string | null;
  steps: StepRecord[];
  /** What the agent last said is live for the new version. */
  live: { version: string; weight: number } | null;
  /** Every callback id recorded: a replayed callback changes nothing. */
  callbackIds: string[];
  rollbackAttempts: number;
  lastTrigger: RollbackTrigger | null;
}
export type DeploymentState = { exists: false } | ActiveDeployment;
export const initialDeploymentState: DeploymentState = { exists: false };

const subjectOf = (d: DeploymentSubject): DeploymentSubject => ({
  deploymentId: d.deploymentId,
  runId: d.runId,
  stage: d.stage,
  releaseId: d.releaseId,
  planId: d.planId,
  service: d.service,
  environment: d.environment,
  environmentTier: d.environmentTier,
  artifact: d.artifact,
});

const pending = (plan: DeploymentStepPlan, rollback = false): StepRecord => ({
  plan,
  status: 'pending',
  requestId: null,
  callbackId: null,
  detail: null,
  rollback,
});

/** The step currently sent and not yet answered, if any. */
export const inFlight = (s: ActiveDeployment): StepRecord | undefined => s.steps.find((x) => x.status === 'started');
/** The next strategy step to send, if any. */
export const nextPending = (s: ActiveDeployment): StepRecord | undefined =>
  s.steps.find((x) => x.status === 'pending' && !x.rollback);

/** A canary pause with no duration holds until a person promotes it (O6, issue 11). */
export const holdsUntilPromoted = (plan: DeploymentStepPlan): boolean => plan.action === 'pause' && !plan.pauseMinutes;

/** The pause step the deployment is held at now, if any. */
export const heldAt = (s: ActiveDeployment): StepRecord | undefined => {
  const flying = s.status === 'running' ? inFlight(s) : undefined;
  return flying && holdsUntilPromoted(flying.plan) ? flying : undefined;
};

/** Folds one deployment event. */
export function evolveDeployment(state: DeploymentState, event: DeploymentEvent): DeploymentState {
  if (event.type === 'DeploymentScheduled') {
    const d = event.data;
    return {
      exists: true,
      subject: subjectOf(d),
      strategy: d.strategy,
      rollbackTarget: d.rollbackTarget,
      commits: d.commits,
      requestedAt: d.requestedAt,
      status: 'waiting',
      reason: d.reason,
      driver: null,
      steps: [],
      live: null,
      callbackIds: [],
      rollbackAttempts: 0,
      lastTrigger: null,
    };
  }
  if (!state.exists) return state;
  const withStep = (step: number, change: Partial<StepRecord>) =>
    state.steps.map((s) => (s.plan.step === step ? { ...s, ...change } : s));
  switch (event.type) {
    case 'DeploymentRefused':
      return { ...state, status: 'refused', reason: event.data.reason };
    case 'DeploymentStarted':
      return {
        ...state,
        subject: { ...state.subject, planId: event.data.planId },
        status: 'running',
        reason: event.data.reason,
        driver: event.data.driver,
        steps: event.data.steps.map((p) => pending(p)),
      };
    case 'DeploymentStepStarted': {
      const d = event.data;
      const known = state.steps.some((s) => s.plan.step === d.step.step);
      const steps = known ? state.steps : [...state.steps, pending(d.step, d.step.action === 'rollback')];
      return {
        ...state,
        steps: steps.map((s) =>
          s.plan.step === d.step.step ? { ...s, status: 'started', requestId: d.requestId } : s,
        ),
      };
    }
    case 'DeploymentStepCompleted': {
      const d = event.data;
      return {
        ...state,
        steps: withStep(d.step.step, { status: d.outcome, callbackId: d.callbackId, detail: d.detail }),
        live: d.live ?? state.live,
        callbackIds: [...state.callbackIds, d.callbackId],
      };
    }
    case 'DeploymentSucceeded':
      return { ...state, status: 'succeeded', reason: event.data.reason };
    case 'DeploymentFailed':
      return { ...state, status: 'failed', reason: event.data.reason };
    case 'DeploymentRollbackStarted':
      return {
        ...state,
        status: 'rolling-back',
        reason: event.data.reason,
        rollbackAttempts: state.rollbackAttempts + 1,
        lastTrigger: event.data.trigger,
      };
    case 'DeploymentRolledBack':
      return { ...state, status: 'rolled-back', reason: event.data.reason };
    case 'DeploymentRollbackFailed':
      return { ...state, status: 'rollback-failed', reason: event.data.reason, lastTrigger: event.data.trigger };
    case 'DeploymentPromoted':
      // The pause step's completion, recorded with it, moves the deployment on.
      return state;
  }
}
