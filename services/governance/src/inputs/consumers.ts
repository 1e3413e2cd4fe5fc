import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { consumerName, deadLetterSubject, subjectFilter } from '@railyard/contracts';
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
import { createAccessConsumers } from '../access/access-consumers.js';
import type { IncidentCommands } from '../incidents/incident-commands.js';
import { openIncidentFromEscalation } from '../incidents/open-from-escalation/reactor.js';
import { execOfPg, type Fold } from '../reporting/fact-event.js';
import { rotationPagesHandler } from '../rotations/rotation-eligibility.js';
import { foldDeploymentFact } from './deployment-facts.js';
import { foldReleaseFact } from './release-facts.js';

export interface GovernanceConsumerDeps {
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  commands: IncidentCommands;
  now: () => Date;
  logger?: MessagingLogger;
}

/** A fold run inside the consumer's inbox transaction; an event that does not match its catalogue is dead-lettered. */
const foldHandler =
  (fold: Fold): MessageHandler =>
  async (event: BusEvent, ctx) => {
    if ((await fold(execOfPg(ctx.tx), event)) === 'invalid') {
      throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
    }
  };

/**
 * Governance's durable consumers: orchestration's deployments, planning's releases (with CAB decisions and freeze
 * exceptions), monitoring's anomalies. Each catches up from the store from the beginning when it is new, so a
 * governance deployed today counts last year's deployments too (DESIGN §4), then follows the bus.
 */
export function createGovernanceConsumers(deps: GovernanceConsumerDeps): DurableConsumer[] {
  const consumer = (
    purpose: string,
    service: 'orchestration' | 'planning' | 'monitoring',
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
    consumer('deployments', 'orchestration', 'deployment', foldHandler(foldDeploymentFact)),
    consumer('releases', 'planning', 'release', foldHandler(foldReleaseFact)),
    consumer('anomalies', 'monitoring', 'anomaly', (event) => openIncidentFromEscalation(event, deps)),
    ...createAccessConsumers(deps),
    consumer('rotation-pages', 'monitoring', 'anomaly', rotationPagesHandler),
  ];
}
