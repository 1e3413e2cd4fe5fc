import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { consumerName, deadLetterSubject, RotationTurnStarted, subjectFilter } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { createConsumer, type DurableConsumer, type MessagingLogger, PoisonMessageError } from '@railyard/messaging';
import type pg from 'pg';

export const LEAD_ROTATIONS_CONSUMER = consumerName('orchestration', 'lead-rotations');

/**
 * The durable consumer `orchestration--lead-rotations`: governance's RotationTurnStarted into
 * `orchestration.on_call_turns` (governance's own rotation events on the same subjects are not read). Catches up from
 * the store from the beginning when new, so a plan created right after a deploy still finds the turn in progress.
 */
export function createLeadRotationsConsumer(options: {
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
    durableName: LEAD_ROTATIONS_CONSUMER,
    filterSubject: subjectFilter(options.subjectPrefix, 'governance', 'rotation'),
    deadLetterSubject: deadLetterSubject(options.subjectPrefix, LEAD_ROTATIONS_CONSUMER),
    backoff: [200, 1000, 5000],
    catchUp: { store: options.store, subjectPrefix: options.subjectPrefix, start: 'beginning' },
    logger: options.logger,
    async handler(event, ctx) {
      if (event.type !== RotationTurnStarted.type) return;
      const parsed = RotationTurnStarted.schema.safeParse(event.data);
      if (!parsed.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
      const d = parsed.data;
      await ctx.tx.query(
        `INSERT INTO orchestration.on_call_turns
           (event_id, rotation_id, environment, principal, starts_at, ends_at, override, announced_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING`,
        [event.id, d.rotationId, d.environment, d.principal, d.startsAt, d.endsAt, d.override, String(event.position)],
      );
    },
  });
}
