import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { type Actor, consumerName, deadLetterSubject, eventSubject, PipelineRunStarted } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { createConsumer, type DurableConsumer, type MessagingLogger, PoisonMessageError } from '@railyard/messaging';
import type { GrantSql } from '@railyard/service-kit/grants';
import type pg from 'pg';

export const RUN_TRIGGERS_CONSUMER = consumerName('orchestration', 'run-triggers');

/**
 * The durable consumer `orchestration--run-triggers`: keeps run → trigger, so that a deployment a CI system requested
 * for a run is held against the person who triggered it (G2: the `deploy` grant is a person's). New, it catches up
 * from the store from the beginning: runs started before it existed still deploy.
 */
export function createRunTriggersConsumer(deps: {
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
    durableName: RUN_TRIGGERS_CONSUMER,
    filterSubject: eventSubject(deps.subjectPrefix, 'pipeline', 'pipelineRun', 'PipelineRunStarted'),
    deadLetterSubject: deadLetterSubject(deps.subjectPrefix, RUN_TRIGGERS_CONSUMER),
    backoff: [200, 1000, 5000],
    catchUp: { store: deps.store, subjectPrefix: deps.subjectPrefix, start: 'beginning' },
    logger: deps.logger,
    async handler(event, ctx) {
      if (event.type !== PipelineRunStarted.type) return;
      const version = event.metadata.schemaVersion ?? 1;
      const data =
        PipelineRunStarted.upcast && version < PipelineRunStarted.version
          ? PipelineRunStarted.upcast(event.data, version)
          : event.data;
      const parsed = PipelineRunStarted.schema.safeParse(data);
      if (!parsed.success) throw new PoisonMessageError(`PipelineRunStarted ${event.id} does not match its schema`);
      await ctx.tx.query(
        `INSERT INTO orchestration.run_triggers (run_id, triggered_by, event_id) VALUES ($1, $2, $3)
         ON CONFLICT (run_id) DO NOTHING`,
        [parsed.data.runId, parsed.data.triggeredBy, event.id],
      );
    },
  });
}

/** A deployment request's requester could not be established yet (its run's start not learnt): retried. */
export class RequesterUnknownError extends Error {
  override readonly name = 'RequesterUnknownError';
}

/**
 * Who requested a deployment, for the grant: the person in the request's metadata when pipeline recorded one (a
 * deployer who claimed the deploy stage), else — a CI system claimed it — the person who triggered the run.
 */
export async function requesterOf(db: GrantSql, actor: Actor, runId: string): Promise<string> {
  if (actor.kind === 'user') return actor.id;
  const { rows } = await db.query<{ triggered_by: string }>(
    'SELECT triggered_by FROM orchestration.run_triggers WHERE run_id = $1',
    [runId],
  );
  const trigger = rows[0]?.triggered_by;
  // Transient: the run's start is on another subject and may not be learnt yet; the request is retried with backoff.
  if (!trigger) throw new RequesterUnknownError(`The trigger of run ${runId} is not known yet.`);
  return trigger;
}
