import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  consumerName,
  deadLetterSubject,
  RollbackDrillOverdue,
  RollbackDrillRecorded,
  subjectFilter,
} from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import {
  type BusEvent,
  createConsumer,
  type DurableConsumer,
  type MessagingLogger,
  PoisonMessageError,
} from '@railyard/messaging';
import type pg from 'pg';
import type { z } from 'zod';

export const ROLLBACK_DRILLS_CONSUMER = consumerName('planning', 'rollback-drills');

function parsed<S extends z.ZodType>(schema: S, event: BusEvent): z.infer<S> {
  const result = schema.safeParse(event.data);
  // A drill event that does not match its contract can never succeed: dead-letter it.
  if (!result.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  return result.data;
}

/**
 * Folds one of governance's drill events into `planning.rollback_drill_status`, in the consumer's inbox transaction.
 * Overdue marks the service until a drill is recorded (the contract's rule); an overdue for a due date older than the
 * last recorded drill's next due date is stale and changes nothing. A schedule change alone does not clear it.
 */
export async function applyRollbackDrillEvent(event: BusEvent, tx: pg.PoolClient): Promise<void> {
  switch (event.type) {
    case 'RollbackDrillRecorded': {
      const d = parsed(RollbackDrillRecorded.schema, event);
      await tx.query(
        `INSERT INTO planning.rollback_drill_status (service, overdue_due_at, recorded_next_due_at, last_event_id, updated_at)
         VALUES ($1, NULL, $2, $3, $4)
         ON CONFLICT (service) DO UPDATE SET overdue_due_at = NULL, recorded_next_due_at = EXCLUDED.recorded_next_due_at,
           last_event_id = EXCLUDED.last_event_id, updated_at = EXCLUDED.updated_at`,
        [d.service, d.nextDueAt, event.id, event.createdAt],
      );
      return;
    }
    case 'RollbackDrillOverdue': {
      const d = parsed(RollbackDrillOverdue.schema, event);
      await tx.query(
        `INSERT INTO planning.rollback_drill_status (service, overdue_due_at, last_event_id, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (service) DO UPDATE SET overdue_due_at = EXCLUDED.overdue_due_at,
           last_event_id = EXCLUDED.last_event_id, updated_at = EXCLUDED.updated_at
         WHERE planning.rollback_drill_status.recorded_next_due_at IS NULL
            OR planning.rollback_drill_status.recorded_next_due_at <= EXCLUDED.overdue_due_at`,
        [d.service, d.dueAt, event.id, event.createdAt],
      );
      return;
    }
    default:
      // RollbackDrillScheduled says when the next drill is due; only governance declares it overdue.
      return;
  }
}

/** The durable consumer `planning--rollback-drills` on governance's rollbackDrill subjects. */
export function createRollbackDrillsConsumer(options: {
  /** The shared store: a new planning first catches up on every drill event in it, from the beginning. */
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  logger?: MessagingLogger;
}): DurableConsumer {
  return createConsumer({
    js: options.js,
    jsm: options.jsm,
    pool: options.pool,
    stream: options.stream,
    durableName: ROLLBACK_DRILLS_CONSUMER,
    filterSubject: subjectFilter(options.subjectPrefix, 'governance', 'rollbackDrill'),
    deadLetterSubject: deadLetterSubject(options.subjectPrefix, ROLLBACK_DRILLS_CONSUMER),
    backoff: [200, 1000, 5000],
    catchUp: { store: options.store, subjectPrefix: options.subjectPrefix, start: 'beginning' },
    logger: options.logger,
    handler: (event, ctx) => applyRollbackDrillEvent(event, ctx.tx),
  });
}
