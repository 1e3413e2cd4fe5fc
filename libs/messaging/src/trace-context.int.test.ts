import { randomUUID } from 'node:crypto';
import { headers as createHeaders } from '@nats-io/transport-node';
import { context, type SpanContext, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { consumerName, deadLetterSubject, eventSubject, streamName } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumer } from './consumer.js';
import { createRelay } from './relay.js';
import { type BusFixture, createBusFixture, testEvent, waitFor } from './test-support/bus-fixture.js';
import { extractTraceContext, injectTraceHeaders, traceContextFromMetadata } from './trace-context.js';

let f: BusFixture;
const exporter = new InMemorySpanExporter();
// A tracer of its own, handed to relay and consumer: no global SDK registration leaks into other test files.
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('test');

beforeAll(async () => {
  f = await createBusFixture('trace');
});

afterAll(async () => {
  await f?.cleanup();
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const COMMAND_SPAN_ID = '00f067aa0ba902b7';

describe('trace context across the bus', () => {
  it('round-trips W3C trace context through NATS headers', () => {
    const parent: SpanContext = { traceId: TRACE_ID, spanId: COMMAND_SPAN_ID, traceFlags: TraceFlags.SAMPLED };
    const h = injectTraceHeaders(createHeaders(), trace.setSpanContext(context.active(), parent));
    expect(h.get('traceparent')).toBe(`00-${TRACE_ID}-${COMMAND_SPAN_ID}-01`);
    expect(trace.getSpanContext(extractTraceContext(h))).toMatchObject({ ...parent, isRemote: true });
    expect(trace.getSpanContext(extractTraceContext(createHeaders()))).toBeUndefined();
    expect(trace.getSpanContext(traceContextFromMetadata({ traceparent: h.get('traceparent') }))?.traceId).toBe(
      TRACE_ID,
    );
  });

  it('runs the consumer handler in a span of the trace whose traceparent the event carried', async () => {
    const durable = consumerName('governance', 'trace-test');
    const seen: { handler?: SpanContext; headerTraceparent?: string } = {};
    const relay = createRelay({
      store: f.store,
      js: f.js,
      pool: f.pool,
      service: 'planning',
      subjectPrefix: f.prefix,
      relayName: 'planning-relay-trace-test',
      tracer,
    });
    const consumer = createConsumer({
      js: f.js,
      jsm: f.jsm,
      pool: f.pool,
      stream: f.streams.stream,
      durableName: durable,
      filterSubject: eventSubject(f.prefix, 'planning', 'release', 'ReleaseFrozen'),
      deadLetterSubject: deadLetterSubject(f.prefix, durable),
      tracer,
      handler: async (_event, ctx) => {
        seen.handler = trace.getSpanContext(ctx.traceContext);
        seen.headerTraceparent = ctx.headers?.get('traceparent');
      },
    });
    await relay.start();
    await consumer.start();
    try {
      const event = testEvent('ReleaseFrozen', {}, { traceparent: `00-${TRACE_ID}-${COMMAND_SPAN_ID}-01` });
      await f.store.append(streamName('release', randomUUID()), [event], 'noStream');
      await waitFor('handler ran', () => seen.handler);

      const spans = exporter.getFinishedSpans();
      const producer = spans.find(
        (s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.message.id'] === event.id,
      );
      const consumed = await waitFor('consumer span ended', () =>
        exporter
          .getFinishedSpans()
          .find((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === event.id),
      );
      // One trace from the command to the consumer: command span → relay publish span → consumer span.
      expect(seen.handler?.traceId).toBe(TRACE_ID);
      expect(producer?.spanContext().traceId).toBe(TRACE_ID);
      expect(producer?.parentSpanContext?.spanId).toBe(COMMAND_SPAN_ID);
      expect(seen.headerTraceparent).toBe(`00-${TRACE_ID}-${producer?.spanContext().spanId}-01`);
      expect(consumed.spanContext()).toEqual(seen.handler);
      expect(consumed.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
      expect(consumed.attributes['messaging.consumer.group.name']).toBe(durable);
    } finally {
      await consumer.stop();
      await relay.stop();
    }
  });

  it('passes the traceparent through unchanged when no tracing SDK records spans', async () => {
    const durable = consumerName('governance', 'trace-noop-test');
    let handlerTraceId: string | undefined;
    let headerTraceparent: string | undefined;
    const relay = createRelay({
      store: f.store,
      js: f.js,
      pool: f.pool,
      service: 'planning',
      subjectPrefix: f.prefix,
      relayName: 'planning-relay-trace-noop-test',
    });
    const consumer = createConsumer({
      js: f.js,
      jsm: f.jsm,
      pool: f.pool,
      stream: f.streams.stream,
      durableName: durable,
      filterSubject: eventSubject(f.prefix, 'planning', 'release', 'ReleaseUnfrozen'),
      deadLetterSubject: deadLetterSubject(f.prefix, durable),
      handler: async (_event, ctx) => {
        handlerTraceId = trace.getSpanContext(ctx.traceContext)?.traceId;
        headerTraceparent = ctx.headers?.get('traceparent');
      },
    });
    await relay.start();
    await consumer.start();
    try {
      const traceparent = `00-${TRACE_ID}-${COMMAND_SPAN_ID}-01`;
      await f.store.append(
        streamName('release', randomUUID()),
        [testEvent('ReleaseUnfrozen', {}, { traceparent })],
        'noStream',
      );
      await waitFor('handler ran', () => handlerTraceId);
      expect(handlerTraceId).toBe(TRACE_ID);
      expect(headerTraceparent).toBe(traceparent);
    } finally {
      await consumer.stop();
      await relay.stop();
    }
  });
});
