import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  type Actor,
  consumerName,
  DeploymentFailed,
  DeploymentRefused,
  DeploymentRolledBack,
  DeploymentSucceeded,
  deadLetterSubject,
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
import { type RunCommands, runStream } from '../run-commands.js';

export const DEPLOYMENT_OUTCOMES_CONSUMER = consumerName('pipeline', 'deployment-outcomes');

/** Orchestration, as the actor of the deploy-stage reports it causes (it ran the deployment). */
export const ORCHESTRATION_ACTOR: Actor = { id: 'orchestration', kind: 'system', roles: [] };

const OUTCOMES = {
  DeploymentSucceeded: { schema: DeploymentSucceeded.schema, outcome: 'succeeded' },
  DeploymentFailed: { schema: DeploymentFailed.schema, outcome: 'failed' },
  DeploymentRefused: { schema: DeploymentRefused.schema, outcome: 'refused' },
  // A canary rolled back before it succeeded (monitoring's verdict, a lead's call) ends its deploy stage failed; a
  // rollback after success comes when the run has moved on, and the decider records nothing for it.
  DeploymentRolledBack: { schema: DeploymentRolledBack.schema, outcome: 'failed' },
} as const;

/** Reports the run's deploy stage from a deployment's outcome; other deployment events say nothing to a run. */
export async function reportDeploymentOutcome(commands: RunCommands, event: BusEvent): Promise<void> {
  const kind = OUTCOMES[event.type as keyof typeof OUTCOMES];
  if (!kind) return;
  const parsed = kind.schema.safeParse(event.data);
  if (!parsed.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  const d = parsed.data;
  await commands.handle(
    runStream(d.runId),
    {
      type: 'RecordDeploymentOutcome',
      stage: d.stage,
      deploymentId: d.deploymentId,
      outcome: kind.outcome,
      actor: ORCHESTRATION_ACTOR,
      at: new Date(event.metadata.occurredAt),
      reason: `Deployment ${d.deploymentId}: ${d.reason}`.slice(0, 1000),
    },
    {
      actor: ORCHESTRATION_ACTOR,
      now: new Date(event.metadata.occurredAt),
      correlationId: event.metadata.correlationId,
      causationId: event.id,
    },
  );
}

/**
 * The durable consumer `pipeline--deployment-outcomes` on orchestration's deployment events: a run advances from
 * its deploy stage (or fails there) when its deployment ends, without anyone posting the result.
 */
export function createDeploymentOutcomesConsumer(options: {
  store: EventStore;
  commands: RunCommands;
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
    durableName: DEPLOYMENT_OUTCOMES_CONSUMER,
    filterSubject: subjectFilter(options.subjectPrefix, 'orchestration', 'deployment'),
    deadLetterSubject: deadLetterSubject(options.subjectPrefix, DEPLOYMENT_OUTCOMES_CONSUMER),
    backoff: [200, 1000, 5000],
    handler: (event) => reportDeploymentOutcome(options.commands, event),
    // Reporting is idempotent (a stage already reported changes nothing), so a new durable may read all history.
    catchUp: { store: options.store, subjectPrefix: options.subjectPrefix, start: 'beginning' },
    logger: options.logger,
  });
}
