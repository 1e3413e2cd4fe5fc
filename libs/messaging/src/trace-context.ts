import { headers as createHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { type Context, context, ROOT_CONTEXT, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * The bus carries W3C Trace Context (`traceparent`/`tracestate`) in NATS headers. We use the W3C propagator
 * directly rather than the global one: the global propagator is a no-op until an SDK registers one, and the
 * bus's wire contract must not depend on whether this process set up tracing.
 */
const propagator = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? carrier.keys() : []),
  get: (carrier, key) => {
    if (!carrier?.has(key)) return undefined;
    return carrier.get(key);
  },
};

const headerSetter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

const recordGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

/** Writes the trace context of `ctx` (default: the active one) into NATS headers, creating them if needed. */
export function injectTraceHeaders(headers: MsgHdrs = createHeaders(), ctx: Context = context.active()): MsgHdrs {
  propagator.inject(ctx, headers, headerSetter);
  return headers;
}

/** Reads the trace context from NATS headers into a child of `base` (default: the root context). */
export function extractTraceContext(headers: MsgHdrs | undefined, base: Context = ROOT_CONTEXT): Context {
  return propagator.extract(base, headers, headerGetter);
}

/** The trace context recorded in an event's metadata (`traceparent`/`tracestate`), as an OTel context. */
export function traceContextFromMetadata(metadata: Record<string, unknown>, base: Context = ROOT_CONTEXT): Context {
  return propagator.extract(base, metadata, recordGetter);
}
