import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  consumerName,
  DeploymentRequested,
  deadLetterSubject,
  deploymentStream,
  eventSubject,
} from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import {
  type BusEvent,
  createConsumer,
  type DurableConsumer,
  type MessagingLogger,
  PoisonMessageError,
} from '@railyard/messaging';
import type { Logger } from '@railyard/service-kit';
import { type GrantSql, grantRequiredFor } from '@railyard/service-kit/grants';
import type pg from 'pg';
import { deployGrantCheck, type GrantLedger } from '../../grants/grant-ledger.js';
import type { WaveGate } from '../../rollout-ports.js';
import { type DeploymentCommands, loadDeployment } from '../deployment-store.js';
import { expandStrategy, type StepOptions } from '../domain/strategy-steps.js';
import { DEPLOYMENT_ACTOR, type DeploymentExecutor } from '../execution/executor.js';
import { type CheckInputs, type DeploymentProfile, runDeploymentChecks } from './run-checks.js';
import { requesterOf } from './run-triggers.js';

export const DEPLOYMENT_REQUESTS_CONSUMER = consumerName('orchestration', 'deployment-requests');

export interface RequestDeploymentDeps {
  store: EventStore;
  commands: DeploymentCommands;
  checks: CheckInputs;
  waveGate: WaveGate;
  executor: DeploymentExecutor;
  driverName: string;
  stepOptions: StepOptions;
  profileOf(service: string): DeploymentProfile;
  /** Governance's grants as orchestration learnt them: a prod-tier deployment needs its requester's `deploy` grant. */
  grants: GrantLedger;
  /** Where the run triggers are (`orchestration--run-triggers`), to name the requester of a CI system's request. */
  sql: GrantSql;
  now: () => Date;
  logger: Logger;
}

/** A pipeline's request, upcast to the current version (v1 had no release and no commits). */
function requested(event: BusEvent) {
  const version = event.metadata.schemaVersion ?? 1;
  const data =
    DeploymentRequested.upcast && version < DeploymentRequested.version
      ? DeploymentRequested.upcast(event.data, version)
      : event.data;
  const parsed = DeploymentRequested.schema.safeParse(data);
  // A request that does not match the contract can never succeed: dead-letter it.
  if (!parsed.success) throw new PoisonMessageError(`DeploymentRequested ${event.id} does not match its schema`);
  return parsed.data;
}

/**
 * Turns one `DeploymentRequested` into `deployment-<event id>`: part 1's checks and, into a prod-tier environment,
 * the requester's `deploy` grant at the time of the request (G2), then the plans' admission (WaveGate),
 * recorded in one append (scheduled, then refused, waiting or started), then the first steps. The stream id is the
 * request's event id, so a redelivered request finds its deployment and only moves it on.
 */
export async function requestDeployment(deps: RequestDeploymentDeps, event: BusEvent): Promise<void> {
  if (event.type !== 'DeploymentRequested') return;
  const r = requested(event);
  const deploymentId = event.id;
  // Redelivered: the deployment exists; the plans are not asked twice, it is only moved on.
  if ((await loadDeployment(deps.store, deploymentId)).state.exists) {
    await deps.executor.advance(deploymentId);
    return;
  }
  const at = deps.now();
  const { tier, checks } = await runDeploymentChecks(deps.store, deps.checks, {
    at,
    service: r.service,
    environment: r.environment,
    releaseId: r.releaseId,
    profile: deps.profileOf(r.service),
  });
  // G2: into a prod-tier environment, the requester must have held a deploy grant at the instant of the request (not
  // when this consumer reads it). The requester is the person in the request (a deployer who claimed the stage) or,
  // when a CI system claimed it, the run's trigger.
  if (grantRequiredFor(r.environment, tier)) {
    const requestedAt = new Date(event.metadata.occurredAt);
    const requester = await requesterOf(deps.sql, event.metadata.actor, r.runId);
    const held = await deps.grants.held({
      principal: requester,
      privileges: ['deploy'],
      environment: r.environment,
      ...(tier !== null ? { tier } : {}),
      at: requestedAt,
    });
    const grantCheck = deployGrantCheck(requester, r.environment, requestedAt, held);
    if (grantCheck) checks.push(grantCheck);
  }
  let admission: { decision: 'start' | 'wait' | 'refuse'; planId: string | null; reason: string } = {
    decision: 'refuse',
    planId: null,
    reason: 'A pre-deployment check failed.',
  };
  if (checks.every((c) => c.passed)) {
    const admitted = await deps.waveGate.admit({
      deploymentId,
      releaseId: r.releaseId,
      service: r.service,
      environment: r.environment,
      version: r.artifact.version,
    });
    admission = admitted;
    if (admitted.decision === 'refuse') checks.push({ check: admitted.check, passed: false, reason: admitted.reason });
  }
  await deps.commands.handle(
    deploymentStream(deploymentId),
    {
      type: 'Request',
      subject: {
        deploymentId,
        runId: r.runId,
        stage: r.stage,
        releaseId: r.releaseId,
        planId: admission.planId,
        service: r.service,
        environment: r.environment,
        environmentTier: tier,
        artifact: r.artifact,
      },
      strategy: r.strategy,
      rollbackTarget: r.rollbackTarget,
      commits: r.commits,
      requestedAt: event.metadata.occurredAt,
      checks,
      admission,
      driver: deps.driverName,
      steps: expandStrategy(r.strategy, deps.stepOptions),
    },
    {
      actor: DEPLOYMENT_ACTOR,
      now: at,
      // The deployment joins the pipeline run's correlation: one export shows the request and its execution.
      correlationId: event.metadata.correlationId,
      causationId: event.id,
    },
    { newStream: true },
  );
  // The first step goes out now; should this fail, the scheduler's next pass sends it.
  deps.executor
    .advance(deploymentId)
    .catch((err) => deps.logger.warn({ err, deploymentId }, 'first deployment pass failed'));
}

/** The durable consumer `orchestration--deployment-requests` of pipeline's `DeploymentRequested`. */
export function createDeploymentRequestsConsumer(
  deps: RequestDeploymentDeps & {
    js: JetStreamClient;
    jsm: JetStreamManager;
    pool: pg.Pool;
    stream: string;
    subjectPrefix: string;
    logger: MessagingLogger & Logger;
  },
): DurableConsumer {
  return createConsumer({
    js: deps.js,
    jsm: deps.jsm,
    pool: deps.pool,
    stream: deps.stream,
    durableName: DEPLOYMENT_REQUESTS_CONSUMER,
    filterSubject: eventSubject(deps.subjectPrefix, 'pipeline', 'pipelineRun', 'DeploymentRequested'),
    deadLetterSubject: deadLetterSubject(deps.subjectPrefix, DEPLOYMENT_REQUESTS_CONSUMER),
    // A CI system's request waits for its run's trigger (RequesterUnknownError), learnt on another subject by
    // orchestration--run-triggers, which a fresh deployment catches up from the store's beginning. Five deliveries
    // (~11 s) dead-lettered requests while it did; 30 wait ~13 minutes before a request is given up.
    maxDeliver: 30,
    backoff: [200, 1000, 5000, 15_000, 30_000],
    handler: (event) => requestDeployment(deps, event),
    // Requests the bus no longer holds (a long outage) are read from the store; a new durable does not replay
    // history from the beginning: deploying every version ever requested would be wrong.
    catchUp: { store: deps.store, subjectPrefix: deps.subjectPrefix, start: 'bus' },
    logger: deps.logger,
  });
}
