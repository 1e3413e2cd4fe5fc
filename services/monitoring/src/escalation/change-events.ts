import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  consumerName,
  DeploymentRolledBack,
  DeploymentStarted,
  deadLetterSubject,
  subjectFilter,
} from '@railyard/contracts';
import {
  type BusEvent,
  createConsumer,
  type DurableConsumer,
  type MessagingLogger,
  PoisonMessageError,
} from '@railyard/messaging';
import type pg from 'pg';
import { type PagerDutyChange, type PagerDutyTarget, sendToPagerDuty } from './pagerduty.js';

export const CHANGE_EVENTS_CONSUMER = consumerName('monitoring', 'pagerduty-changes');
/** A deploy older than this when first seen (a new consumer reading the bus's backlog) is not announced. */
const MAX_AGE_MS = 60 * 60_000;

/** The PagerDuty change event of a deploy (DeploymentStarted) or a rollback (DeploymentRolledBack), if it is one. */
export function changeEventFor(event: BusEvent, routingKey: string, publicUrl: string): PagerDutyChange | undefined {
  const schema =
    event.type === 'DeploymentStarted'
      ? DeploymentStarted.schema
      : event.type === 'DeploymentRolledBack'
        ? DeploymentRolledBack.schema
        : undefined;
  if (!schema) return undefined;
  const parsed = schema.safeParse(event.data);
  if (!parsed.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  const d = parsed.data;
  const rollback = event.type === 'DeploymentRolledBack';
  const to = rollback ? ((d as { to: { version: string } | null }).to?.version ?? 'nothing') : null;
  return {
    routing_key: routingKey,
    payload: {
      summary: rollback
        ? `Rollback of ${d.service} ${d.artifact.version} in ${d.environment} (back to ${to})`
        : `Deploy of ${d.service} ${d.artifact.version} to ${d.environment}`,
      source: `${d.service}.${d.environment}`,
      timestamp: event.createdAt.toISOString(),
      custom_details: {
        kind: rollback ? 'rollback' : 'deploy',
        deploymentId: d.deploymentId,
        release: d.releaseId,
        service: d.service,
        environment: d.environment,
        version: d.artifact.version,
        ...(rollback ? { rolledBackTo: to, reason: d.reason } : {}),
      },
    },
    links: [{ href: `${publicUrl}/deployments/${d.deploymentId}/metrics`, text: 'Deployment metrics' }],
  };
}

/**
 * `monitoring--pagerduty-changes`: every deploy and rollback orchestration records is sent to PagerDuty as a change
 * event (they never page; responders see them beside incidents). A send still failing after its retries (429, 5xx)
 * is naked for a later redelivery; one PagerDuty refuses for good is dead-lettered.
 */
export function createChangeEventsConsumer(deps: {
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  target: PagerDutyTarget;
  publicUrl: string;
  logger?: MessagingLogger;
}): DurableConsumer {
  return createConsumer({
    js: deps.js,
    jsm: deps.jsm,
    pool: deps.pool,
    stream: deps.stream,
    durableName: CHANGE_EVENTS_CONSUMER,
    filterSubject: subjectFilter(deps.subjectPrefix, 'orchestration', 'deployment'),
    deadLetterSubject: deadLetterSubject(deps.subjectPrefix, CHANGE_EVENTS_CONSUMER),
    backoff: [1000, 5000, 30_000],
    logger: deps.logger,
    async handler(event) {
      if (Date.now() - event.createdAt.getTime() > MAX_AGE_MS) return;
      const change = changeEventFor(event, deps.target.routingKey, deps.publicUrl);
      if (!change) return;
      const outcome = await sendToPagerDuty(deps.target, '/v2/change/enqueue', change);
      if (outcome.delivered) return;
      if (outcome.retryable) throw new Error(`PagerDuty change event not delivered (${outcome.status ?? 'no answer'})`);
      throw new PoisonMessageError(`PagerDuty refused the change event: ${outcome.status}`);
    },
  });
}
