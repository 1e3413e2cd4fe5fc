import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as createHeaders } from '@nats-io/transport-node';
import { SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { subjectForStream } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import { BusHeaders, encodeBusEvent } from './bus-event.js';
import { describeError } from './errors.js';
import { injectTraceHeaders, traceContextFromMetadata } from './trace-context.js';

/**
 * Publishes one stored event to JetStream: subject from the stream's owner and category, `Nats-Msg-Id` = event
 * id (so a republish after a crash is dropped by the stream's duplicate window), position headers, and the
 * trace context of the command that appended it. The producer span is a child of that context, so one
 * command is one trace from the HTTP request to every consumer.
 */
export function publishEvent(
  js: JetStreamClient,
  tracer: Tracer,
  prefix: string,
  event: RecordedEvent,
  timeoutMs: number,
): Promise<PubAck> {
  const subject = subjectForStream(prefix, event.streamId, event.type);
  const parent = traceContextFromMetadata(event.metadata);
  const span = tracer.startSpan(
    `${subject} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'publish',
        'messaging.destination.name': subject,
        'messaging.message.id': event.id,
      },
    },
    parent,
  );
  const headers = createHeaders();
  headers.set(BusHeaders.streamId, event.streamId);
  headers.set(BusHeaders.revision, event.revision.toString());
  headers.set(BusHeaders.position, event.position.toString());
  headers.set(BusHeaders.eventType, event.type);
  // Without a tracing SDK the span is non-recording and carries the parent's context, so the metadata's
  // traceparent still crosses the bus unchanged.
  injectTraceHeaders(headers, trace.setSpan(parent, span));
  const ack = js.publish(subject, encodeBusEvent(event), { msgID: event.id, headers, timeout: timeoutMs });
  ack.then(
    (a) => {
      span.setAttribute('messaging.nats.duplicate', a.duplicate);
      span.end();
    },
    (err: unknown) => {
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(err) });
      span.end();
    },
  );
  return ack;
}
