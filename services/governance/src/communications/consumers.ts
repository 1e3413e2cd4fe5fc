import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { consumerName, deadLetterSubject, subjectFilter } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { createConsumer, type DurableConsumer, type MessageHandler, type MessagingLogger } from '@railyard/messaging';
import type pg from 'pg';
import { noticeIncidentOpened, noticeRollbackStarted } from './automatic-notices/reactor.js';
import { deliverNotice, type NotifyWebhook } from './delivery/deliver-notice.js';
import type { NoticeCommands } from './notice-store.js';

export interface CommunicationConsumerDeps {
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  commands: NoticeCommands;
  webhook: NotifyWebhook;
  /** The delivery's redelivery delays (ms); the last one repeats. Default: 1 s, 5 s, 30 s, 2 min, 10 min. */
  deliveryBackoffMs?: number[];
  now: () => Date;
  logger?: MessagingLogger;
}

/**
 * The communications' durable consumers (G7): rollback notices from orchestration's deployments, incident notices
 * from governance's own incidents, and the delivery of every queued notice to the webhook. A new one starts at what
 * the bus still holds (recent days), so a first start never re-announces years of rollbacks and incidents; once it
 * has a position, falling behind the bus makes it catch up from the store, so nothing after that is missed.
 */
export function createCommunicationConsumers(deps: CommunicationConsumerDeps): DurableConsumer[] {
  const consumer = (
    purpose: string,
    service: 'orchestration' | 'governance',
    aggregate: string,
    handler: MessageHandler,
    options: { backoff?: number[]; maxDeliver?: number } = {},
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
      backoff: options.backoff ?? [200, 1000, 5000],
      maxDeliver: options.maxDeliver,
      handler,
      // 'bus': a new governance notifies about what the bus still holds (recent days), never re-announces years of
      // rollbacks and incidents; once running, a consumer that falls behind the bus catches up from the store.
      catchUp: { store: deps.store, subjectPrefix: deps.subjectPrefix, start: 'bus' },
      logger: deps.logger,
    });
  };
  const automatic = { store: deps.store, commands: deps.commands, now: deps.now };
  return [
    consumer('rollback-notices', 'orchestration', 'deployment', (e, ctx) => noticeRollbackStarted(e, ctx, automatic)),
    consumer('incident-notices', 'governance', 'incident', (e, ctx) => noticeIncidentOpened(e, ctx, automatic)),
    consumer(
      'notice-delivery',
      'governance',
      'notice',
      (e) => deliverNotice(e, { store: deps.store, commands: deps.commands, webhook: deps.webhook, now: deps.now }),
      { backoff: deps.deliveryBackoffMs ?? [1000, 5000, 30_000, 120_000, 600_000], maxDeliver: 20 },
    ),
  ];
}
