import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { type Context, context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type pg from 'pg';
import { type BusEvent, decodeBusEvent } from './bus-event.js';
import { ensureDurableConsumer } from './consumer-setup.js';
import { publishDeadLetter } from './dead-letter.js';
import { describeError, isPoison } from './errors.js';
import { type MessagingLogger, silentLogger } from './logger.js';
import { ensureMessagingSchema } from './messaging-schema.js';
import { extractTraceContext } from './trace-context.js';

/** What a handler gets beside the event: the transaction its effect must use, and the message's context. */
export interface MessageContext {
  /** The open transaction that also records the inbox row: write the effect here, never commit it. */
  tx: pg.PoolClient;
  headers: MsgHdrs | undefined;
  /** The consumer span's context (a child of the traceparent that crossed the bus); also the active one. */
  traceContext: Context;
  span: Span;
  subject: string;
  /** 1 on first delivery. */
  deliveryCount: number;
}

export type MessageHandler = (event: BusEvent, ctx: MessageContext) => Promise<void>;

export interface ConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Where the inbox lives and the handler's transaction runs: the consuming service's database. */
  pool: pg.Pool;
  stream: string;
  /** `<consumer-service>--<purpose>`, from consumerName(). */
  durableName: string;
  filterSubject: string;
  /** From deadLetterSubject(); a JetStream stream must capture it (see ensureBusStreams). */
  deadLetterSubject: string;
  /** Attempts before a failing message is dead-lettered (default 5). */
  maxDeliver?: number;
  /** Redelivery delay after the n-th failed attempt; the last entry repeats (default 1 s, 5 s, 30 s). */
  backoff?: readonly number[];
  /** Redelivery after a crash mid-message (default 30 s). */
  ackWaitMs?: number;
  /** Messages pulled ahead of the handler (default 10). */
  prefetch?: number;
  handler: MessageHandler;
  logger?: MessagingLogger;
  tracer?: Tracer;
}

export interface ConsumerStatus {
  state: 'idle' | 'running' | 'stopped';
  handled: number;
  /** Deliveries skipped because the inbox already held the event. */
  duplicates: number;
  /** Transient failures naked for a later redelivery. */
  retried: number;
  deadLettered: number;
  lastError: string | null;
}

export interface DurableConsumer {
  readonly name: string;
  /** Creates or updates the durable consumer, then handles messages in the background. */
  start(): Promise<void>;
  /** Stops pulling, lets the message in hand finish, and hands buffered ones back to the server. */
  stop(): Promise<void>;
  status(): ConsumerStatus;
  /** Consumer lag: messages in the stream not yet delivered to this consumer. */
  lag(): Promise<number>;
}

const DEFAULT_BACKOFF = [1000, 5000, 30_000] as const;

/**
 * A durable JetStream pull consumer with an inbox (DESIGN §4): each message's effect and its inbox row are
 * committed in one transaction before the ack, so redeliveries and duplicates have their effect exactly once.
 * Poison (see isPoison) and messages out of attempts go to the dead-letter subject and are terminated;
 * other failures are naked with backoff.
 */
export function createConsumer(options: ConsumerOptions): DurableConsumer {
  const name = options.durableName;
  const maxDeliver = options.maxDeliver ?? 5;
  const backoff = options.backoff?.length ? options.backoff : DEFAULT_BACKOFF;
  const logger = options.logger ?? silentLogger;
  const tracer = options.tracer ?? trace.getTracer('@railyard/messaging');
  const status: ConsumerStatus = {
    state: 'idle',
    handled: 0,
    duplicates: 0,
    retried: 0,
    deadLettered: 0,
    lastError: null,
  };
  let stopping = false;
  let messages: ConsumerMessages | undefined;
  let running: Promise<void> | undefined;
  let stopSignal = new AbortController();

  async function deadLetter(m: JsMsg, reason: string, eventId: string | undefined): Promise<void> {
    try {
      await publishDeadLetter(options.js, options.deadLetterSubject, name, m, reason, eventId);
    } catch (err) {
      // Not stored as a dead letter yet: keep the message and try again later rather than lose it.
      status.lastError = describeError(err);
      logger.error({ consumer: name, eventId, err: status.lastError }, 'dead-letter publish failed; will retry');
      m.nak(backoff[backoff.length - 1]);
      return;
    }
    m.term();
    status.deadLettered++;
    logger.warn({ consumer: name, eventId, subject: m.subject, reason }, 'message dead-lettered');
  }

  /** Runs the handler and the inbox insert in one transaction; returns false if the event was already handled. */
  async function applyOnce(event: BusEvent, m: JsMsg, traceContext: Context, span: Span): Promise<boolean> {
    const tx = await options.pool.connect();
    let broken = false;
    // pg-pool stops listening to a client while it is checked out: a backend terminated during the handler would
    // emit an unhandled 'error' and kill the process. Here it only marks the connection broken; the statement in
    // flight (or the next one) rejects, the message is naked and redelivered, and the inbox keeps it exactly once.
    const onLost = () => {
      broken = true;
    };
    tx.on('error', onLost);
    try {
      await tx.query('BEGIN');
      const inserted = await tx.query(
        'INSERT INTO messaging.inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [name, event.id],
      );
      if (inserted.rowCount === 0) {
        await tx.query('ROLLBACK');
        return false;
      }
      const ctx: MessageContext = {
        tx,
        headers: m.headers,
        traceContext,
        span,
        subject: m.subject,
        deliveryCount: m.info.deliveryCount,
      };
      await context.with(traceContext, () => options.handler(event, ctx));
      await tx.query('COMMIT');
      return true;
    } catch (err) {
      await tx.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      tx.off('error', onLost);
      tx.release(broken);
    }
  }

  async function handle(m: JsMsg): Promise<void> {
    const deliveries = m.info.deliveryCount;
    let event: BusEvent;
    try {
      event = decodeBusEvent(m.data);
    } catch (err) {
      await deadLetter(m, `schema: ${describeError(err)}`, undefined);
      return;
    }
    const parent = extractTraceContext(m.headers);
    const span = tracer.startSpan(
      `${m.subject} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'process',
          'messaging.destination.name': m.subject,
          'messaging.consumer.group.name': name,
          'messaging.message.id': event.id,
          'messaging.nats.delivery_count': deliveries,
        },
      },
      parent,
    );
    const traceContext = trace.setSpan(parent, span);
    try {
      if (await applyOnce(event, m, traceContext, span)) status.handled++;
      else status.duplicates++;
      m.ack();
    } catch (err) {
      const reason = describeError(err);
      status.lastError = reason;
      span.recordException(err instanceof Error ? err : new Error(reason));
      span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      if (isPoison(err)) {
        await deadLetter(m, `poison: ${reason}`, event.id);
      } else if (deliveries >= maxDeliver) {
        await deadLetter(m, `gave up after ${deliveries} attempts: ${reason}`, event.id);
      } else {
        const delay = backoff[Math.min(deliveries - 1, backoff.length - 1)];
        logger.warn(
          { consumer: name, eventId: event.id, type: event.type, deliveries, delay, err: reason },
          'retrying',
        );
        status.retried++;
        m.nak(delay);
      }
    } finally {
      span.end();
    }
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        const consumer = await options.js.consumers.get(options.stream, name);
        messages = await consumer.consume({ max_messages: options.prefetch ?? 10 });
        for await (const m of messages) {
          // Messages already buffered when stop() was called go back to the server for another replica.
          if (stopping) m.nak();
          else await handle(m);
        }
      } catch (err) {
        if (stopping) break;
        status.lastError = describeError(err);
        logger.error({ consumer: name, err: status.lastError }, 'consumer failed; restarting');
        await sleep(1000, undefined, { signal: stopSignal.signal }).catch(() => {});
      }
    }
    status.state = 'stopped';
  }

  return {
    name,
    async start() {
      if (running) return;
      await ensureMessagingSchema(options.pool);
      await ensureDurableConsumer(options.jsm, {
        stream: options.stream,
        durableName: name,
        filterSubject: options.filterSubject,
        ackWaitMs: options.ackWaitMs ?? 30_000,
        maxAckPending: 1000,
      });
      stopping = false;
      stopSignal = new AbortController();
      status.state = 'running';
      running = loop();
    },
    async stop() {
      if (!running) return;
      stopping = true;
      stopSignal.abort();
      await messages?.close();
      await running;
      running = undefined;
    },
    status: () => ({ ...status }),
    async lag() {
      const info = await options.jsm.consumers.info(options.stream, name);
      return info.num_pending;
    },
  };
}
