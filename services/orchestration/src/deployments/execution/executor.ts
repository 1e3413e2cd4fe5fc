import type { Actor } from '@railyard/contracts';
import { deploymentStream } from '@railyard/contracts';
import type { CommandContext, EventStore, RecordedEvent } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
import { v5 as uuidv5 } from 'uuid';
import type { DeploymentCommands } from '../deployment-store.js';
import { loadDeployment } from '../deployment-store.js';
import type { ActiveDeployment, StepRecord } from '../domain/deployment.js';
import { holdsUntilPromoted, inFlight, nextPending } from '../domain/deployment.js';
import type { DeploymentDriver } from '../driver/driver.js';

/** Orchestration's own actor for what it does to a deployment on its own (steps, timers, failures). */
export const DEPLOYMENT_ACTOR: Actor = { id: 'orchestration-deployments', kind: 'system', roles: [] };

// Name-based ids (RFC 9562 v5): a step's request id is the same however often, and wherever, the step is sent.
const REQUEST_NAMESPACE = '5b7f2a40-1c3e-4d8a-9f61-7e2d0c4b9a11';
export const stepRequestId = (deploymentId: string, step: number, attempt = 0) =>
  uuidv5(`${deploymentId}\u0000${step}\u0000${attempt}`, REQUEST_NAMESPACE);

export interface DeploymentExecutorDeps {
  store: EventStore;
  commands: DeploymentCommands;
  driver: DeploymentDriver;
  /** The service clock: pauses and blue-green's keep time are measured on it (tests move it). */
  now: () => Date;
  /** How long a "minute" of a pause or a keep time lasts (60 000 in production; tests shorten it). */
  minuteMs: number;
  logger: Logger;
  /** A sent step with no callback after this long is sent again, same request id (default 30 s). */
  resendAfterMs?: number;
  /** Sends refused or unreachable in a row before the deployment fails (default 5). */
  maxSendAttempts?: number;
}

export interface DeploymentExecutor {
  /** Does everything that is due for the deployment now: begin the next step, end a timed pause, (re)send a step. */
  advance(deploymentId: string): Promise<void>;
}

const occurredAt = (e: RecordedEvent | undefined) => (e ? Date.parse(e.metadata.occurredAt) : 0);

/**
 * Runs a deployment's steps from its stream, so it resumes wherever it stopped after a crash: the stream says which
 * step is in flight, since when, and what comes next. Steps the agent performs are sent through the driver after
 * `DeploymentStepStarted` is recorded (re-sent, same request id, when no callback came); pauses and blue-green's
 * keep time are timers measured from the recorded events' times on the service clock.
 */
export function createDeploymentExecutor(deps: DeploymentExecutorDeps): DeploymentExecutor {
  const { store, commands, driver, now, logger } = deps;
  const resendAfterMs = deps.resendAfterMs ?? 30_000;
  const maxSendAttempts = deps.maxSendAttempts ?? 5;
  // Transport bookkeeping only (wall clock): the decisions are on the stream.
  const sends = new Map<string, { at: number; failures: number }>();
  const chains = new Map<string, Promise<void>>();

  function contextOf(events: RecordedEvent[]): CommandContext {
    const first = events[0];
    return {
      actor: DEPLOYMENT_ACTOR,
      now: now(),
      // The deployment's events stay in the correlation of the pipeline run that requested it.
      correlationId: first?.metadata.correlationId ?? 'deployment',
      causationId: events.at(-1)?.id,
    };
  }

  async function send(s: ActiveDeployment, step: StepRecord, events: RecordedEvent[]): Promise<void> {
    const requestId = step.requestId!;
    const seen = sends.get(requestId);
    if (seen && seen.failures === 0 && Date.now() - seen.at < resendAfterMs) return;
    try {
      await driver.send({
        requestId,
        deploymentId: s.subject.deploymentId,
        service: s.subject.service,
        environment: s.subject.environment,
        artifact: s.subject.artifact,
        rollbackTo: s.rollbackTarget,
        step: step.plan,
      });
      sends.set(requestId, { at: Date.now(), failures: 0 });
    } catch (error) {
      const failures = (seen?.failures ?? 0) + 1;
      sends.set(requestId, { at: Date.now(), failures });
      logger.warn(
        { err: error, deploymentId: s.subject.deploymentId, step: step.plan.step },
        'deployment step not sent',
      );
      if (failures >= maxSendAttempts && !step.rollback) {
        await commands.handle(
          deploymentStream(s.subject.deploymentId),
          { type: 'Fail', reason: `The driver could not send step ${step.plan.step}: ${String(error)}` },
          contextOf(events),
        );
      }
    }
  }

  async function pass(deploymentId: string): Promise<void> {
    const stream = deploymentStream(deploymentId);
    for (let guard = 0; guard < 1000; guard++) {
      const { state, events } = await loadDeployment(store, deploymentId);
      if (!state.exists || (state.status !== 'running' && state.status !== 'rolling-back')) return;
      // While rolling back, only the rollback step matters; a strategy step still unanswered is left alone.
      const flying =
        state.status === 'rolling-back'
          ? state.steps.findLast((x) => x.rollback && x.status === 'started')
          : inFlight(state);
      if (flying) {
        if (flying.plan.action !== 'pause') return send(state, flying, events);
        // Held until promoted: no timer; DeploymentControl.promote completes the step.
        if (holdsUntilPromoted(flying.plan)) return;
        const since = occurredAt(
          events.findLast((e) => e.type === 'DeploymentStepStarted' && e.data.requestId === flying.requestId),
        );
        if (now().getTime() - since < (flying.plan.pauseMinutes ?? 0) * deps.minuteMs) return;
        await commands.handle(
          stream,
          {
            type: 'CompleteStep',
            requestId: flying.requestId!,
            step: flying.plan.step,
            callbackId: `timer:${flying.requestId}`,
            outcome: 'succeeded',
            live: state.live,
            detail: `Paused ${flying.plan.pauseMinutes ?? 0} minute(s).`,
            startedAt: new Date(occurredAt(events.find((e) => e.type === 'DeploymentStarted'))).toISOString(),
          },
          contextOf(events),
        );
        continue;
      }
      if (state.status !== 'running') return;
      const next = nextPending(state);
      if (!next) return;
      if (next.plan.action === 'retire-old') {
        const since = occurredAt(events.findLast((e) => e.type === 'DeploymentStepCompleted'));
        if (now().getTime() - since < (next.plan.keepMinutes ?? 0) * deps.minuteMs) return;
      }
      await commands.handle(
        stream,
        { type: 'BeginStep', step: next.plan.step, requestId: stepRequestId(deploymentId, next.plan.step) },
        contextOf(events),
      );
    }
  }

  return {
    advance(deploymentId) {
      // One pass at a time per deployment in this process: a callback's kick and the scheduler's tick queue up.
      const previous = chains.get(deploymentId) ?? Promise.resolve();
      const next = previous.then(() => pass(deploymentId));
      const tail = next.catch(() => {});
      chains.set(deploymentId, tail);
      void tail.then(() => {
        if (chains.get(deploymentId) === tail) chains.delete(deploymentId);
      });
      return next;
    },
  };
}
