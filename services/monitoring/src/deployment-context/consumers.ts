import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  consumerName,
  type DeploymentEvent,
  deadLetterSubject,
  deploymentEvents,
  eventSubject,
  RollbackCriteriaPublished,
  RolloutPlanCreated,
  subjectFilter,
} from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import {
  type BusEvent,
  createConsumer,
  type DurableConsumer,
  type MessageHandler,
  type MessagingLogger,
  PoisonMessageError,
} from '@railyard/messaging';
import type pg from 'pg';
import type { z } from 'zod';

export const CRITERIA_CONSUMER = consumerName('monitoring', 'rollback-criteria');
export const DEPLOYMENTS_CONSUMER = consumerName('monitoring', 'deployments');
export const ROLLOUT_PLANS_CONSUMER = consumerName('monitoring', 'rollout-plans');

function parsed<S extends z.ZodType>(schema: S, event: BusEvent): z.infer<S> {
  const result = schema.safeParse(event.data);
  // An event that does not match its agreed contract can never succeed: dead-letter it.
  if (!result.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  return result.data;
}

/** planning's RollbackCriteriaPublished replaces earlier criteria for that release and service. */
export async function applyCriteriaEvent(event: BusEvent, tx: pg.PoolClient): Promise<void> {
  if (event.type !== 'RollbackCriteriaPublished') return;
  const d = parsed(RollbackCriteriaPublished.schema, event);
  // Replaced only by a later event of the release stream (the bus may redeliver an older one after a newer).
  await tx.query(
    `INSERT INTO monitoring.rollback_criteria (release_id, service, criteria, event_id, published_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (release_id, service) DO UPDATE SET criteria = EXCLUDED.criteria, event_id = EXCLUDED.event_id,
       published_at = EXCLUDED.published_at
     WHERE monitoring.rollback_criteria.published_at <= EXCLUDED.published_at`,
    [d.releaseId, d.service, JSON.stringify(d.criteria), event.id, event.createdAt],
  );
}

const STATUS: Partial<Record<DeploymentEvent['type'], string>> = {
  DeploymentScheduled: 'scheduled',
  DeploymentRefused: 'refused',
  DeploymentStarted: 'running',
  DeploymentSucceeded: 'succeeded',
  DeploymentFailed: 'failed',
  DeploymentRollbackStarted: 'rolling-back',
  DeploymentRolledBack: 'rolled-back',
  DeploymentRollbackFailed: 'rollback-failed',
};
const FINISHED = ['refused', 'succeeded', 'failed', 'rolled-back', 'rollback-failed'];

/**
 * orchestration's deployment-<id> events into `monitoring.deployments`. Every outcome event repeats the subject
 * (contract), so any of them can create the row; a finished deployment never goes back to running, whatever order
 * redeliveries arrive in.
 */
export async function applyDeploymentEvent(event: BusEvent, tx: pg.PoolClient): Promise<void> {
  const definition = (deploymentEvents as Record<string, (typeof deploymentEvents)[keyof typeof deploymentEvents]>)[
    event.type
  ];
  const status = STATUS[event.type as DeploymentEvent['type']];
  if (!definition || !status) return; // steps say nothing the read model keeps
  const d = parsed(definition.schema, event) as Extract<DeploymentEvent, { type: 'DeploymentScheduled' }>['data'];
  const scheduled = event.type === 'DeploymentScheduled';
  await tx.query(
    `INSERT INTO monitoring.deployments (deployment_id, release_id, plan_id, service, environment, version,
       baseline_version, status, commits, scheduled_at, started_at, finished_at, last_event_type, updated_at,
       correlation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $17)
     ON CONFLICT (deployment_id) DO UPDATE SET
       correlation_id = COALESCE(monitoring.deployments.correlation_id, EXCLUDED.correlation_id),
       status = CASE WHEN monitoring.deployments.status = ANY($15) THEN monitoring.deployments.status
                     ELSE EXCLUDED.status END,
       baseline_version = COALESCE(EXCLUDED.baseline_version, monitoring.deployments.baseline_version),
       commits = CASE WHEN $16 THEN EXCLUDED.commits ELSE monitoring.deployments.commits END,
       started_at = COALESCE(monitoring.deployments.started_at, EXCLUDED.started_at),
       finished_at = COALESCE(monitoring.deployments.finished_at, EXCLUDED.finished_at),
       last_event_type = EXCLUDED.last_event_type, updated_at = EXCLUDED.updated_at`,
    [
      d.deploymentId,
      d.releaseId,
      d.planId,
      d.service,
      d.environment,
      d.artifact.version,
      scheduled ? (d.rollbackTarget?.version ?? null) : null,
      status,
      JSON.stringify(scheduled || event.type === 'DeploymentSucceeded' ? d.commits : []),
      scheduled ? d.requestedAt : event.createdAt,
      status === 'running' ? event.createdAt : null,
      FINISHED.includes(status) ? event.createdAt : null,
      event.type,
      event.createdAt,
      FINISHED,
      scheduled || event.type === 'DeploymentSucceeded',
      event.metadata.correlationId,
    ],
  );
}

/** orchestration's RolloutPlanCreated: the plan's lead, and per service what APIs it provides and consumes. */
export async function applyRolloutPlanEvent(event: BusEvent, tx: pg.PoolClient): Promise<void> {
  if (event.type !== 'RolloutPlanCreated') return;
  const d = parsed(RolloutPlanCreated.schema, event);
  await tx.query(
    `INSERT INTO monitoring.rollout_plans (plan_id, release_id, lead, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (plan_id) DO NOTHING`,
    [d.planId, d.releaseId, d.lead, event.createdAt],
  );
  for (const s of d.services) {
    await tx.query(
      `INSERT INTO monitoring.plan_services (plan_id, service, version, provides, consumes) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (plan_id, service) DO NOTHING`,
      [d.planId, s.service, s.version, s.provides.map((p) => p.api), s.consumes.map((c) => c.api)],
    );
  }
}

export interface ContextConsumerDeps {
  /** The shared event store: a new deployment first handles the history in it, then joins the bus. */
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  logger?: MessagingLogger;
}

function contextConsumer(deps: ContextConsumerDeps, durableName: string, filterSubject: string, apply: MessageHandler) {
  return createConsumer({
    js: deps.js,
    jsm: deps.jsm,
    pool: deps.pool,
    stream: deps.stream,
    durableName,
    filterSubject,
    deadLetterSubject: deadLetterSubject(deps.subjectPrefix, durableName),
    backoff: [200, 1000, 5000],
    handler: apply,
    // Criteria, plans and deployments older than the bus's days still matter (a long rollout, a correlation window
    // across a restart): a new consumer reads them from the store first.
    catchUp: { store: deps.store, subjectPrefix: deps.subjectPrefix, start: 'beginning' },
    logger: deps.logger,
  });
}

/**
 * The durable consumers through which monitoring learns its deployments' context (one filter subject each: NATS
 * 2.9 has no multi-filter consumers): `monitoring--rollback-criteria`, `monitoring--deployments`,
 * `monitoring--rollout-plans`.
 */
export function createContextConsumers(deps: ContextConsumerDeps): DurableConsumer[] {
  const p = deps.subjectPrefix;
  return [
    contextConsumer(
      deps,
      CRITERIA_CONSUMER,
      eventSubject(p, 'planning', 'release', 'RollbackCriteriaPublished'),
      (event, ctx) => applyCriteriaEvent(event, ctx.tx),
    ),
    contextConsumer(deps, DEPLOYMENTS_CONSUMER, subjectFilter(p, 'orchestration', 'deployment'), (event, ctx) =>
      applyDeploymentEvent(event, ctx.tx),
    ),
    contextConsumer(
      deps,
      ROLLOUT_PLANS_CONSUMER,
      eventSubject(p, 'orchestration', 'rolloutPlan', 'RolloutPlanCreated'),
      (event, ctx) => applyRolloutPlanEvent(event, ctx.tx),
    ),
  ];
}
