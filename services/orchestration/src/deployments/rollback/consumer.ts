import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { consumerName, deadLetterSubject, eventSubject, RollbackTriggered } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import {
  type BusEvent,
  createConsumer,
  type DurableConsumer,
  type MessagingLogger,
  PoisonMessageError,
} from '@railyard/messaging';
import type pg from 'pg';
import { DEPLOYMENT_ACTOR } from '../execution/executor.js';
import type { DeploymentControlWithMetrics } from './deployment-control.js';

export const ROLLBACK_TRIGGERS_CONSUMER = consumerName('orchestration', 'rollback-triggers');

/** R1: monitoring's `RollbackTriggered` rolls its deployment back, the observed summary kept in the snapshot. */
export async function handleRollbackTriggered(
  control: DeploymentControlWithMetrics,
  now: () => Date,
  event: BusEvent,
): Promise<void> {
  if (event.type !== 'RollbackTriggered') return;
  const parsed = RollbackTriggered.schema.safeParse(event.data);
  if (!parsed.success) throw new PoisonMessageError(`RollbackTriggered ${event.id} does not match its schema`);
  const t = parsed.data;
  await control.rollbackWithMetrics(
    t.deploymentId,
    { kind: 'monitoring', triggerId: event.id, by: event.metadata.actor.id },
    { actor: DEPLOYMENT_ACTOR, now: now(), correlationId: event.metadata.correlationId, causationId: event.id },
    {
      criterion: t.criterion,
      observed: t.observed,
      judgementId: t.judgementId,
      firstBadSampleAt: t.firstBadSampleAt,
      reason: t.reason,
    },
    t.reason,
  );
}

/** The durable consumer `orchestration--rollback-triggers` of monitoring's `RollbackTriggered`. */
export function createRollbackTriggersConsumer(deps: {
  control: DeploymentControlWithMetrics;
  now: () => Date;
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  logger?: MessagingLogger;
}): DurableConsumer {
  return createConsumer({
    js: deps.js,
    jsm: deps.jsm,
    pool: deps.pool,
    stream: deps.stream,
    durableName: ROLLBACK_TRIGGERS_CONSUMER,
    filterSubject: eventSubject(deps.subjectPrefix, 'monitoring', 'deploymentWatch', 'RollbackTriggered'),
    deadLetterSubject: deadLetterSubject(deps.subjectPrefix, ROLLBACK_TRIGGERS_CONSUMER),
    // A trigger for a deployment not recorded yet (its request still in flight) is retried, then dead-lettered.
    backoff: [200, 1000, 5000],
    handler: (event) => handleRollbackTriggered(deps.control, deps.now, event),
    catchUp: { store: deps.store, subjectPrefix: deps.subjectPrefix, start: 'bus' },
    logger: deps.logger,
  });
}
