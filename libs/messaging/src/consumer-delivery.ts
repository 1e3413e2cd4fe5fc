import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { type Context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { BusEvent } from './bus-event.js';
import type { DeadLetterSource } from './dead-letter.js';
import { describeError } from './errors.js';
import { extractTraceContext } from './trace-context.js';

/** Where an event came from, as the handler sees it: a bus message, or an event read from the store by a catch-up. */
export interface Delivery {
  headers: MsgHdrs | undefined;
  subject: string;
  deliveryCount: number;
}

/** A bus message as the dead-letter publisher takes it. */
export function fromJsMsg(m: JsMsg): DeadLetterSource {
  return {
    data: m.data,
    headers: m.headers,
    subject: m.subject,
    deliveryCount: m.info.deliveryCount,
    streamSequence: m.info.streamSequence,
  };
}

/**
 * The consumer span of one delivery: a child of the traceparent that crossed the bus (or that the stored event's
 * metadata carries, for a catch-up), so one command stays one trace whichever path its events take.
 */
export function startConsumerSpan(
  tracer: Tracer,
  consumer: string,
  event: BusEvent,
  d: Delivery,
  source: 'bus' | 'store',
): { span: Span; traceContext: Context } {
  const parent = extractTraceContext(d.headers);
  const span = tracer.startSpan(
    `${d.subject} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.destination.name': d.subject,
        'messaging.consumer.group.name': consumer,
        'messaging.message.id': event.id,
        'messaging.nats.delivery_count': d.deliveryCount,
        'railyard.consumer.source': source,
      },
    },
    parent,
  );
  return { span, traceContext: trace.setSpan(parent, span) };
}

/** Marks the span failed with the error; returns the one-line reason for logs and dead-letter headers. */
export function recordSpanFailure(span: Span, err: unknown): string {
  const reason = describeError(err);
  span.recordException(err instanceof Error ? err : new Error(reason));
  span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
  return reason;
}
