import {
  type ChangeCommit,
  OrchestrationErrorCodes as Codes,
  type DeploymentCheckResult,
  type DeploymentEvent,
  type DeploymentStepPlan,
  notFound,
  type PreRollbackSnapshot,
  type RollbackTrigger,
  type RolloutStrategy,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import {
  type ActiveDeployment,
  type DeploymentState,
  type DeploymentSubject,
  evolveDeployment,
  heldAt,
  inFlight,
  initialDeploymentState,
  nextPending,
} from './deployment.js';

type Artifact = { name: string; version: string; sha256: string };

export type DeploymentCommand =
  | {
      /** Turns a pipeline's DeploymentRequested into a deployment, with the checks and the plan's admission decided. */
      type: 'Request';
      subject: DeploymentSubject;
      strategy: RolloutStrategy;
      rollbackTarget: Artifact | null;
      commits: ChangeCommit[];
      requestedAt: string;
      checks: DeploymentCheckResult[];
      admission: { decision: 'start' | 'wait' | 'refuse'; reason: string };
      driver: string;
      steps: DeploymentStepPlan[];
    }
  | { type: 'Release'; driver: string; steps: DeploymentStepPlan[]; reason: string }
  | { type: 'BeginStep'; step: number; requestId: string }
  | {
      type: 'CompleteStep';
      requestId: string;
      step: number;
      callbackId: string;
      outcome: 'succeeded' | 'failed';
      live: { version: string; weight: number } | null;
      detail: string;
      /** When the deployment started (the glue reads it from the stream): DeploymentSucceeded repeats it. */
      startedAt: string;
    }
  | {
      /**
       * Ends the pause the deployment is held at (O6). `step`: the held step the caller means (a plan's decision);
       * then a deployment no longer held there changes nothing (a retried promotion). Without it, a deployment not
       * held at a pause is refused (409).
       */
      type: 'Promote';
      step?: number;
      by: string;
      reason: string;
      /** When the deployment started (the glue reads it from the stream): DeploymentSucceeded repeats it. */
      startedAt: string;
    }
  | { type: 'Fail'; reason: string }
  | {
      type: 'StartRollback';
      trigger: RollbackTrigger;
      snapshot: PreRollbackSnapshot;
      requestId: string;
      reason: string;
    }
  | { type: 'RefuseRollback'; trigger: RollbackTrigger; reason: string };

function existing(state: DeploymentState): ActiveDeployment {
  if (!state.exists) throw notFound(Codes.DEPLOYMENT_NOT_FOUND, 'No such deployment.');
  return state;
}

function request(c: Extract<DeploymentCommand, { type: 'Request' }>): DeploymentEvent[] {
  // The grant a prod deployment went ahead on is named in the record (G2: stale privileges count from their use).
  const grant = c.checks.find((x) => x.check === 'grant' && x.passed);
  const scheduled: DeploymentEvent = {
    type: 'DeploymentScheduled',
    data: {
      ...c.subject,
      strategy: c.strategy,
      rollbackTarget: c.rollbackTarget,
      commits: c.commits,
      requestedAt: c.requestedAt,
      reason: `${c.subject.service}@${c.subject.artifact.version} to ${c.subject.environment} was requested by run ${c.subject.runId}.${grant ? ` ${grant.reason}` : ''}`,
    },
  };
  const failed = c.checks.filter((x) => !x.passed);
  if (failed.length > 0 || c.admission.decision === 'refuse') {
    return [
      scheduled,
      {
        type: 'DeploymentRefused',
        data: {
          ...c.subject,
          checks: c.checks,
          reason: failed.length > 0 ? failed.map((x) => x.reason).join(' ') : c.admission.reason,
        },
      },
    ];
  }
  if (c.admission.decision === 'wait') return [scheduled];
  return [
    scheduled,
    { type: 'DeploymentStarted', data: { ...c.subject, driver: c.driver, steps: c.steps, reason: c.admission.reason } },
  ];
}

function release(s: ActiveDeployment, c: Extract<DeploymentCommand, { type: 'Release' }>): DeploymentEvent[] {
  if (s.status === 'refused') {
    throw ruleViolated(Codes.DEPLOYMENT_NOT_WAITING, 'The deployment was refused: there is nothing to release.');
  }
  // Released twice (a retried plan command): the first one started it.
  if (s.status !== 'waiting') return [];
  return [{ type: 'DeploymentStarted', data: { ...s.subject, driver: c.driver, steps: c.steps, reason: c.reason } }];
}

function beginStep(s: ActiveDeployment, c: Extract<DeploymentCommand, { type: 'BeginStep' }>): DeploymentEvent[] {
  const target = s.steps.find((x) => x.plan.step === c.step);
  // Already sent (a retried tick, another replica): the first send counts.
  if (target && target.status !== 'pending') return [];
  if (s.status !== 'running') throw ruleViolated(Codes.DEPLOYMENT_NOT_RUNNING, `The deployment is ${s.status}.`);
  const next = nextPending(s);
  if (!target || inFlight(s) || next?.plan.step !== c.step) {
    throw ruleViolated(Codes.STEP_OUT_OF_ORDER, `Step ${c.step} is not the next step of the deployment.`);
  }
  return [
    {
      type: 'DeploymentStepStarted',
      data: {
        deploymentId: s.subject.deploymentId,
        service: s.subject.service,
        environment: s.subject.environment,
        step: target.plan,
        requestId: c.requestId,
      },
    },
  ];
}

function completeStep(s: ActiveDeployment, c: Extract<DeploymentCommand, { type: 'CompleteStep' }>): DeploymentEvent[] {
  // A replayed callback (the same webhook-id) was already recorded: nothing changes.
  if (s.callbackIds.includes(c.callbackId)) return [];
  const target = s.steps.find((x) => x.requestId === c.requestId && x.plan.step === c.step);
  if (!target) {
    throw ruleViolated(Codes.STEP_NOT_STARTED, `Step ${c.step} was never started with request ${c.requestId}.`);
  }
  // A second, different callback for a step already answered: the first answer stands.
  if (target.status !== 'started') return [];
  const completed: DeploymentEvent = {
    type: 'DeploymentStepCompleted',
    data: {
      deploymentId: s.subject.deploymentId,
      service: s.subject.service,
      environment: s.subject.environment,
      step: target.plan,
      outcome: c.outcome,
      callbackId: c.callbackId,
      live: c.live,
      detail: c.detail,
    },
  };
  const trigger = s.lastTrigger ?? { kind: 'manual' as const, triggerId: null, by: 'unknown' };
  if (target.rollback) {
    if (c.outcome === 'succeeded') {
      const reason = `Rolled back to ${s.rollbackTarget?.version ?? 'nothing'}: ${c.detail}`;
      return [
        completed,
        { type: 'DeploymentRolledBack', data: { ...s.subject, to: s.rollbackTarget, trigger, reason } },
      ];
    }
    const reason = `The agent could not roll back: ${c.detail}`;
    return [completed, { type: 'DeploymentRollbackFailed', data: { ...s.subject, trigger, reason } }];
  }
  // A strategy step answered after a rollback began (or after a failure) is recorded, and decides nothing more.
  if (s.status !== 'running') return [completed];
  if (c.outcome === 'failed') {
    const reason = `Step ${c.step} (${target.plan.action}) failed: ${c.detail}`;
    return [completed, { type: 'DeploymentFailed', data: { ...s.subject, failedStep: c.step, reason } }];
  }
  const remaining = s.steps.filter((x) => !x.rollback && x.status === 'pending');
  if (remaining.length > 0) return [completed];
  return [
    completed,
    {
      type: 'DeploymentSucceeded',
      data: {
        ...s.subject,
        commits: s.commits,
        startedAt: c.startedAt,
        reason: `Every step succeeded: ${s.subject.artifact.version} is live in ${s.subject.environment}.`,
      },
    },
  ];
}

function promote(s: ActiveDeployment, c: Extract<DeploymentCommand, { type: 'Promote' }>): DeploymentEvent[] {
  const held = heldAt(s);
  if (!held || (c.step !== undefined && held.plan.step !== c.step)) {
    if (c.step !== undefined) return [];
    throw ruleViolated(Codes.DEPLOYMENT_NOT_HELD, `The deployment is ${s.status} and not held at a pause.`);
  }
  const promoted: DeploymentEvent = {
    type: 'DeploymentPromoted',
    data: { ...s.subject, step: held.plan.step, by: c.by, reason: c.reason },
  };
  const completion = completeStep(s, {
    type: 'CompleteStep',
    requestId: held.requestId!,
    step: held.plan.step,
    callbackId: `promote:${held.requestId}`,
    outcome: 'succeeded',
    live: s.live,
    detail: `Promoted by ${c.by}: ${c.reason}`,
    startedAt: c.startedAt,
  });
  return [promoted, ...completion];
}

function fail(s: ActiveDeployment, c: Extract<DeploymentCommand, { type: 'Fail' }>): DeploymentEvent[] {
  if (s.status !== 'running') return [];
  const failedStep = inFlight(s)?.plan.step ?? nextPending(s)?.plan.step ?? null;
  return [{ type: 'DeploymentFailed', data: { ...s.subject, failedStep, reason: c.reason } }];
}

const ROLLBACKABLE = new Set(['running', 'succeeded', 'failed', 'rollback-failed']);

function startRollback(
  s: ActiveDeployment,
  c: Extract<DeploymentCommand, { type: 'StartRollback' }>,
): DeploymentEvent[] {
  // A second trigger for a rollback under way or done (monitoring and a lead at once): one rollback.
  if (s.status === 'rolling-back' || s.status === 'rolled-back') return [];
  if (!ROLLBACKABLE.has(s.status)) {
    throw ruleViolated(Codes.DEPLOYMENT_NOT_ROLLBACKABLE, `A ${s.status} deployment changed nothing to roll back.`);
  }
  const step: DeploymentStepPlan = { step: s.steps.length, action: 'rollback' };
  return [
    {
      type: 'DeploymentRollbackStarted',
      data: { ...s.subject, to: s.rollbackTarget, trigger: c.trigger, snapshot: c.snapshot, reason: c.reason },
    },
    {
      type: 'DeploymentStepStarted',
      data: {
        deploymentId: s.subject.deploymentId,
        service: s.subject.service,
        environment: s.subject.environment,
        step,
        requestId: c.requestId,
      },
    },
  ];
}

function refuseRollback(
  s: ActiveDeployment,
  c: Extract<DeploymentCommand, { type: 'RefuseRollback' }>,
): DeploymentEvent[] {
  if (s.status === 'rolling-back' || s.status === 'rolled-back') return [];
  if (!ROLLBACKABLE.has(s.status)) {
    throw ruleViolated(Codes.DEPLOYMENT_NOT_ROLLBACKABLE, `A ${s.status} deployment changed nothing to roll back.`);
  }
  // The same refusal for the same trigger again (a redelivered trigger) is already on the record.
  if (s.status === 'rollback-failed' && s.reason === c.reason && s.lastTrigger?.triggerId === c.trigger.triggerId)
    return [];
  return [{ type: 'DeploymentRollbackFailed', data: { ...s.subject, trigger: c.trigger, reason: c.reason } }];
}

/** decide(): each command's rules over the deployment's state. */
export function decideDeployment(c: DeploymentCommand, state: DeploymentState): DeploymentEvent[] {
  if (c.type === 'Request') return state.exists ? [] : request(c);
  const s = existing(state);
  switch (c.type) {
    case 'Release':
      return release(s, c);
    case 'BeginStep':
      return beginStep(s, c);
    case 'CompleteStep':
      return completeStep(s, c);
    case 'Promote':
      return promote(s, c);
    case 'Fail':
      return fail(s, c);
    case 'StartRollback':
      return startRollback(s, c);
    case 'RefuseRollback':
      return refuseRollback(s, c);
  }
}

export const deploymentDecider: Decider<DeploymentCommand, DeploymentEvent, DeploymentState> = {
  initialState: initialDeploymentState,
  evolve: evolveDeployment,
  decide: decideDeployment,
};
