import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ConsumerMessages,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { type Context, context, type Span, type Tracer, trace } from '@opentelemetry/api';
import { subjectForStream } from '@railyard/contracts';
import { acquireLease, type RecordedEvent } from '@railyard/eventstore';
import type pg from 'pg';
import { type BusEvent, decodeBusEvent, encodeBusEvent } from './bus-event.js';
import {
  busHeadersFor,
  type ConsumerCatchUp,
  catchUpIfNeeded,
  readCatchUpPosition,
  storeFilterForSubject,
} from './consumer-catch-up.js';
import { type Delivery, fromJsMsg, recordSpanFailure, startConsumerSpan } from './consumer-delivery.js';
import { ensureDurableConsumer } from './consumer-setup.js';
import { publishDeadLetter } from './dead-letter.js';
import { describeError, isPoison } from './errors.js';
import { type MessagingLogger, silentLogger } from './logger.js';
import { ensureMessagingSchema } from './messaging-schema.js';

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
  /**
   * Catch up from the event store when the consumer is new and should start from the beginning, or when messages it
   * never acknowledged have aged out of the bus (see ConsumerCatchUp). Without it, the consumer only sees the bus.
   */
  catchUp?: ConsumerCatchUp;
  /** How often a replica waiting for the consumer's lease (held during a catch-up) retries (default 1000 ms). */
  leasePollMs?: number;
  logger?: MessagingLogger;
  tracer?: Tracer;
}

export interface ConsumerStatus {
  /** catching-up: checking for, or handling, history from the event store before joining the bus (catchUp only). */
  state: 'idle' | 'catching-up' | 'running' | 'stopped';
  handled: number;
  /** Of `handled` and `duplicates`, the events read from the event store by catch-ups. */
  fromStore: number;
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
/** Most unacknowledged messages the server hands out across all replicas. */
const MAX_ACK_PENDING = 1000;

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
  // Derived once, so a consumer whose subject cannot be translated into a store filter fails at creation.
  const catchUpFilter = options.catchUp
    ? (options.catchUp.filter ?? storeFilterForSubject(options.catchUp.subjectPrefix, options.filterSubject))
    : undefined;
  const status: ConsumerStatus = {
    state: 'idle',
    handled: 0,
    fromStore: 0,
    duplicates: 0,
    retried: 0,
    deadLettered: 0,
    lastError: null,
  };
  let stopping = false;
  let messages: ConsumerMessages | undefined;
  let running: Promise<void> | undefined;
  let stopSignal = new AbortController();
  let prepareAgain = false;

  async function deadLetter(m: JsMsg, reason: string, eventId: string | undefined): Promise<void> {
    try {
      await publishDeadLetter(options.js, options.deadLetterSubject, name, fromJsMsg(m), reason, eventId);
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
  async function applyOnce(event: BusEvent, m: Delivery, traceContext: Context, span: Span): Promise<boolean> {
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
        deliveryCount: m.deliveryCount,
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

  const startSpan = (event: BusEvent, d: Delivery, source: 'bus' | 'store') =>
    startConsumerSpan(tracer, name, event, d, source);
  const recordFailure = (span: Span, err: unknown) => {
    status.lastError = recordSpanFailure(span, err);
    return status.lastError;
  };

  async function handle(m: JsMsg): Promise<void> {
    const deliveries = m.info.deliveryCount;
    let event: BusEvent;
    try {
      event = decodeBusEvent(m.data);
    } catch (err) {
      await deadLetter(m, `schema: ${describeError(err)}`, undefined);
      return;
    }
    const { span, traceContext } = startSpan(
      event,
      { headers: m.headers, subject: m.subject, deliveryCount: deliveries },
      'bus',
    );
    try {
      if (
        await applyOnce(
          event,
          { headers: m.headers, subject: m.subject, deliveryCount: deliveries },
          traceContext,
          span,
        )
      )
        status.handled++;
      else status.duplicates++;
      m.ack();
    } catch (err) {
      const reason = recordFailure(span, err);
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

  /**
   * Handles one event read from the store during a catch-up, with the bus path's guarantees: the inbox keeps its
   * effect to one, transient failures are retried with the same backoff (in place: history is handled in order),
   * and poison or exhausted events go to the dead-letter subject.
   */
  async function handleFromStore(recorded: RecordedEvent, signal: AbortSignal): Promise<void> {
    const event = decodeBusEvent(encodeBusEvent(recorded));
    const headers = busHeadersFor(recorded);
    const subject = subjectForStream(options.catchUp!.subjectPrefix, recorded.streamId, recorded.type);
    for (let deliveries = 1; ; deliveries++) {
      if (signal.aborted) throw new Error(`consumer ${name}: catch-up interrupted`);
      const d: Delivery = { headers, subject, deliveryCount: deliveries };
      const { span, traceContext } = startSpan(event, d, 'store');
      try {
        if (await applyOnce(event, d, traceContext, span)) status.handled++;
        else status.duplicates++;
        status.fromStore++;
        return;
      } catch (err) {
        const reason = recordFailure(span, err);
        const giveUp = isPoison(err) || deliveries >= maxDeliver;
        if (giveUp) {
          const why = isPoison(err) ? `poison: ${reason}` : `gave up after ${deliveries} attempts: ${reason}`;
          // Not dead-lettered yet means not handled: the catch-up stops here and resumes from its watermark.
          await publishDeadLetter(
            options.js,
            options.deadLetterSubject,
            name,
            { data: encodeBusEvent(recorded), headers, subject, deliveryCount: deliveries },
            why,
            event.id,
          );
          status.deadLettered++;
          logger.warn(
            { consumer: name, eventId: event.id, subject, reason: why },
            'event from the store dead-lettered',
          );
          return;
        }
        const delay = backoff[Math.min(deliveries - 1, backoff.length - 1)]!;
        logger.warn(
          { consumer: name, eventId: event.id, type: event.type, deliveries, delay, err: reason },
          'retrying',
        );
        status.retried++;
        await sleep(delay, undefined, { signal }).catch(() => {});
      } finally {
        span.end();
      }
    }
  }

  /**
   * The consumer's exclusive setup, under its lease so that replicas never catch up or re-create the durable twice
   * at once: catch up from the store when needed (see catchUpIfNeeded), else make sure the durable exists.
   */
  async function prepare(signal: AbortSignal): Promise<void> {
    const lease = await acquireLease(options.pool, `railyard.consumer:${name}`, {
      wait: true,
      signal,
      pollMs: options.leasePollMs ?? 1000,
    });
    if (!lease) return;
    try {
      const read = await catchUpIfNeeded(
        {
          jsm: options.jsm,
          stream: options.stream,
          durableName: name,
          filterSubject: options.filterSubject,
          ackWaitMs: options.ackWaitMs ?? 30_000,
          maxAckPending: MAX_ACK_PENDING,
          catchUp: options.catchUp!,
          filter: catchUpFilter!,
          lease,
          handle: (event) => handleFromStore(event, AbortSignal.any([signal, lease.lost])),
          onDecision: (catchingUp) => {
            if (catchingUp) {
              status.state = 'catching-up';
              logger.info({ consumer: name }, 'catching up from the event store');
            }
          },
        },
        () => ensureSettings(),
      );
      if (read > 0) logger.info({ consumer: name, events: read }, 'caught up from the event store; joining the bus');
    } finally {
      await lease.release();
    }
  }

  const ensureSettings = () =>
    ensureDurableConsumer(options.jsm, {
      stream: options.stream,
      durableName: name,
      filterSubject: options.filterSubject,
      ackWaitMs: options.ackWaitMs ?? 30_000,
      maxAckPending: MAX_ACK_PENDING,
    });

  /**
   * The client keeps waiting for a deleted durable to come back; with catch-up, its deletion means "catch up" (how an
   * operator asks for it after a purge), so the pull ends and the loop sets the durable up again.
   */
  async function closeWhenDeleted(ms: ConsumerMessages): Promise<void> {
    for await (const s of ms.status()) {
      if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found') {
        logger.warn({ consumer: name }, 'durable consumer deleted; setting it up again');
        prepareAgain = true;
        await ms.close();
        return;
      }
    }
  }

  async function loop(): Promise<void> {
    // Without catch-up, start() already set the durable up; with it, that happens here, in the background.
    let prepared = !options.catchUp;
    while (!stopping) {
      try {
        if (!prepared) {
          if (options.catchUp) await prepare(stopSignal.signal);
          else await ensureSettings();
          if (stopping) break;
          prepared = true;
          status.state = 'running';
        }
        const consumer = await options.js.consumers.get(options.stream, name);
        messages = await consumer.consume({ max_messages: options.prefetch ?? 10 });
        if (options.catchUp) void closeWhenDeleted(messages);
        for await (const m of messages) {
          // Messages already buffered when stop() was called go back to the server for another replica.
          if (stopping) m.nak();
          else await handle(m);
        }
        if (prepareAgain) {
          prepareAgain = false;
          prepared = false;
        }
      } catch (err) {
        if (stopping) break;
        // The durable is gone (an operator deleted it to force a catch-up, or the stream was re-created): set it up
        // again, which with catchUp reads what the bus no longer has from the store first.
        if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) prepared = false;
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
      // With catch-up, the durable is set up in the background under the consumer's lease: a catch-up may take
      // long, and the service must not wait for it to serve HTTP.
      if (!options.catchUp) await ensureSettings();
      stopping = false;
      stopSignal = new AbortController();
      status.state = options.catchUp ? 'catching-up' : 'running';
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
      try {
        const info = await options.jsm.consumers.info(options.stream, name);
        return info.num_pending;
      } catch (err) {
        // A new consumer catching up has no durable yet: its lag is what the store still holds for it.
        if (!(options.catchUp && err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) {
          throw err;
        }
        return options.catchUp.store.countAfter(await readCatchUpPosition(options.pool, name), catchUpFilter);
      }
    },
  };
}
