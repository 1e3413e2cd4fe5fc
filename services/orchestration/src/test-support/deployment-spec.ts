import { randomUUID } from 'node:crypto';
import {
  DeploymentScheduled,
  DeploymentStarted,
  DeploymentStepCompleted,
  type DeploymentStepPlan,
  DeploymentStepStarted,
  deploymentStream,
} from '@railyard/contracts';
import { event, type InjectRequest, type SpecEvent } from '@railyard/testing';
import { stepRequestId } from '../deployments/execution/executor.js';
import type { OrchestrationFixture } from './orchestration-fixture.js';

/**
 * A deployment's history as the deployments capability records it, for the HTTP specifications of its slices: each
 * specification takes a fresh deployment (its own stream from the contracts' builder), so the specifications of a
 * file share a database without sharing a deployment.
 */

export const v1 = { name: 'checkout', version: '1.0.0', sha256: '1'.repeat(64) };
export const v2 = { name: 'checkout', version: '2.0.0', sha256: '2'.repeat(64) };

/** When the deployment was requested and started: before the fixture's clock (2026-12-01T09:00Z). */
export const REQUESTED_AT = new Date('2026-12-01T08:00:00Z');
export const STARTED_AT = new Date('2026-12-01T08:01:00Z');

/** A canary of 20% held until promoted, then 100% (expandStrategy's steps for it). */
export const heldCanary: DeploymentStepPlan[] = [
  { step: 0, action: 'set-weight', weight: 20 },
  { step: 1, action: 'pause', pauseMinutes: 0 },
  { step: 2, action: 'set-weight', weight: 100 },
];

export interface DeploymentHistory {
  id: string;
  stream: string;
  /** What every outcome event repeats (the contract's subject). */
  subject: {
    deploymentId: string;
    runId: string;
    stage: number;
    releaseId: null;
    planId: null;
    service: string;
    environment: string;
    environmentTier: 'prod' | 'staging' | null;
    artifact: typeof v2;
  };
  /** DeploymentScheduled and DeploymentStarted with these steps. */
  started(steps?: DeploymentStepPlan[]): SpecEvent[];
  /** The step sent to the agent, with the request id the executor gives it. */
  stepStarted(step: DeploymentStepPlan): SpecEvent;
  /** The agent's answer to a step. */
  stepCompleted(
    step: DeploymentStepPlan,
    over?: {
      outcome?: 'succeeded' | 'failed';
      callbackId?: string;
      live?: { version: string; weight: number } | null;
      detail?: string;
    },
  ): SpecEvent;
}

/** A fresh deployment of checkout@2.0.0 (rollback target 1.0.0) to `environment`. */
export function deploymentHistory(environment: string, environmentTier: 'prod' | 'staging' | null): DeploymentHistory {
  const id = randomUUID();
  const subject = {
    deploymentId: id,
    runId: randomUUID(),
    stage: 0,
    releaseId: null,
    planId: null,
    service: 'checkout',
    environment,
    environmentTier,
    artifact: v2,
  };
  const scope = { deploymentId: id, service: 'checkout', environment };
  return {
    id,
    stream: deploymentStream(id),
    subject,
    started: (steps = heldCanary) => [
      event(
        DeploymentScheduled,
        {
          ...subject,
          strategy: { type: 'canary', steps: [{ weight: 20, pauseMinutes: 0, pause: 'until-promoted' }] },
          rollbackTarget: v1,
          commits: [],
          requestedAt: REQUESTED_AT.toISOString(),
          reason: `checkout@2.0.0 to ${environment} was requested by run ${subject.runId}.`,
        },
        { at: REQUESTED_AT },
      ),
      event(
        DeploymentStarted,
        { ...subject, driver: 'webhook', steps, reason: 'No rollout plan covers this deployment.' },
        { at: STARTED_AT },
      ),
    ],
    stepStarted: (step) =>
      event(DeploymentStepStarted, { ...scope, step, requestId: stepRequestId(id, step.step) }, { at: STARTED_AT }),
    stepCompleted: (step, over = {}) =>
      event(
        DeploymentStepCompleted,
        {
          ...scope,
          step,
          outcome: over.outcome ?? 'succeeded',
          callbackId: over.callbackId ?? `agent-callback-${step.step}`,
          live: over.live === undefined ? { version: '2.0.0', weight: step.weight ?? 20 } : over.live,
          detail: over.detail ?? 'done',
        },
        { at: STARTED_AT },
      ),
  };
}

/** A request by `sub` with `roles`, for `when` (the token is signed when the specification runs). */
export const requestAs =
  (f: OrchestrationFixture, sub: string, roles: string[], request: Omit<InjectRequest, 'headers'>) => async () => ({
    ...request,
    headers: await f.auth(sub, roles),
  });
