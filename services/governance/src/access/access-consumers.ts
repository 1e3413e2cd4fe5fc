import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  consumerName,
  deadLetterSubject,
  type EventCatalogue,
  type PipelineRunEvent,
  pipelineRunEvents,
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
import { applyGrantLedgerEvent } from '@railyard/service-kit/grants';
import type pg from 'pg';
import { decodeFact } from '../reporting/fact-event.js';

export interface AccessConsumerDeps {
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  logger?: MessagingLogger;
}

const runCatalogue = pipelineRunEvents as unknown as EventCatalogue;

/** Orchestration's environments into the ledger's tier table: which environments exist, and their tiers. */
const environmentsHandler: MessageHandler = async (event, ctx) => {
  if ((await applyGrantLedgerEvent(ctx.tx, 'governance', event)) === 'invalid') {
    throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  }
};

/** Pipeline's runs: who used `deploy` (requested a deployment) and `approve` (granted an approval), and when. */
const usesHandler: MessageHandler = async (event: BusEvent, ctx) => {
  if (!['DeploymentRequested', 'ApprovalRequested', 'ApprovalGranted'].includes(event.type)) return;
  const data = decodeFact<PipelineRunEvent['data']>(runCatalogue, event);
  if (!data) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  const e = { type: event.type, data } as PipelineRunEvent;
  const usedAt = new Date(event.metadata.occurredAt);
  if (e.type === 'ApprovalRequested') {
    await ctx.tx.query(
      `INSERT INTO governance.approval_environments (run_id, stage, environment, event_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (run_id, stage) DO NOTHING`,
      [e.data.runId, e.data.stage, e.data.environment, event.id],
    );
  } else if (e.type === 'ApprovalGranted') {
    await ctx.tx.query(
      `INSERT INTO governance.access_uses (event_id, principal, privilege, environment, run_id, stage, used_at)
       VALUES ($1, $2, 'approve', NULL, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`,
      [event.id, e.data.approver, e.data.runId, e.data.stage, usedAt],
    );
  } else if (e.type === 'DeploymentRequested') {
    // The requester is the actor who promoted the run (pipeline records it in the event's metadata).
    await ctx.tx.query(
      `INSERT INTO governance.access_uses (event_id, principal, privilege, environment, run_id, stage, used_at)
       VALUES ($1, $2, 'deploy', $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING`,
      [event.id, event.metadata.actor.id, e.data.environment, e.data.runId, e.data.stage, usedAt],
    );
  }
};

/**
 * G2's durable consumers: orchestration's environments (which exist, their tiers: the kit's ledger table) and
 * pipeline's runs (uses of privileges). Both catch up from the store from the beginning when new.
 */
export function createAccessConsumers(deps: AccessConsumerDeps): DurableConsumer[] {
  const consumer = (
    purpose: string,
    service: 'orchestration' | 'pipeline',
    aggregate: string,
    handler: MessageHandler,
  ) => {
    const name = consumerName('governance', purpose);
    return createConsumer({
      js: deps.js,
      jsm: deps.jsm,
      pool: deps.pool,
      stream: deps.stream,
      durableName: name,
      filterSubject: subjectFilter(deps.subjectPrefix, service, aggregate),
      deadLetterSubject: deadLetterSubject(deps.subjectPrefix, name),
      backoff: [200, 1000, 5000],
      handler,
      catchUp: { store: deps.store, subjectPrefix: deps.subjectPrefix, start: 'beginning' },
      logger: deps.logger,
    });
  };
  return [
    consumer('environments', 'orchestration', 'environment', environmentsHandler),
    consumer('access-uses', 'pipeline', 'pipelineRun', usesHandler),
  ];
}
