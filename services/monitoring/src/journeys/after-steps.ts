import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { consumerName, DeploymentStepCompleted, deadLetterSubject, subjectFilter } from '@railyard/contracts';
import { type EventStore, WrongExpectedRevisionError } from '@railyard/eventstore';
import {
  type BusEvent,
  createConsumer,
  type DurableConsumer,
  type MessagingLogger,
  PoisonMessageError,
} from '@railyard/messaging';
import type pg from 'pg';
import { v5 as uuidv5 } from 'uuid';
import { loadJourney } from './journey-commands.js';
import { runJourney } from './journey-runner.js';

export const JOURNEYS_AFTER_STEPS_CONSUMER = consumerName('monitoring', 'journeys-after-steps');
// Namespace of run ids derived from (step event, journey): a redelivered step runs each journey once.
const RUN_NAMESPACE = '9d2c4a7e-1b3f-5c6d-8e9f-0a1b2c3d4e5f';
const ACTOR = { id: 'monitoring-journeys', kind: 'system' as const, roles: [] };
/** A step older than this when first seen (a new consumer reading the bus's backlog) is not checked any more. */
const MAX_AGE_MS = 10 * 60_000;

/**
 * `monitoring--journeys-after-steps`: after every succeeded deployment step (DeploymentStepCompleted), the journeys
 * covering the deployed service (in that environment, or in any) run, recorded as triggered by the deployment.
 */
export function createJourneysAfterStepsConsumer(deps: {
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  logger?: MessagingLogger;
}): DurableConsumer {
  async function handle(event: BusEvent) {
    if (event.type !== 'DeploymentStepCompleted' || Date.now() - event.createdAt.getTime() > MAX_AGE_MS) return;
    const parsed = DeploymentStepCompleted.schema.safeParse(event.data);
    if (!parsed.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
    const d = parsed.data;
    if (d.outcome !== 'succeeded') return;
    const { rows } = await deps.pool.query<{ name: string }>(
      `SELECT name FROM monitoring.journey_index
       WHERE service = $1 AND (environment IS NULL OR environment = $2) ORDER BY name`,
      [d.service, d.environment],
    );
    for (const { name } of rows) {
      const { state } = await loadJourney(deps.store, name);
      if (!state.exists) continue;
      const ctx = { actor: ACTOR, now: new Date(), correlationId: event.metadata.correlationId, causationId: event.id };
      try {
        await runJourney(deps.store, name, state.definition, ctx, {
          kind: 'deployment',
          deploymentId: d.deploymentId,
          runId: uuidv5(`${event.id}\u0000${name}`, RUN_NAMESPACE),
        });
      } catch (error) {
        // This step's run of this journey is already recorded (a redelivery): nothing more to do.
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
  }
  return createConsumer({
    js: deps.js,
    jsm: deps.jsm,
    pool: deps.pool,
    stream: deps.stream,
    durableName: JOURNEYS_AFTER_STEPS_CONSUMER,
    filterSubject: subjectFilter(deps.subjectPrefix, 'orchestration', 'deployment'),
    deadLetterSubject: deadLetterSubject(deps.subjectPrefix, JOURNEYS_AFTER_STEPS_CONSUMER),
    backoff: [1000, 5000],
    handler: (event) => handle(event),
    logger: deps.logger,
  });
}
