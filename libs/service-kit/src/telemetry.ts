import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { Context } from '@opentelemetry/api';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** OTLP/HTTP base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `<endpoint>/v1/traces`. */
  otlpEndpoint?: string;
  /** An exporter to add (tests pass an InMemorySpanExporter); exported synchronously, span by span. */
  exporter?: SpanExporter;
}

export interface Telemetry {
  provider: NodeTracerProvider;
  /** The fastify plugin of @fastify/otel; buildApp registers it when telemetry is running. */
  fastifyInstrumentation: FastifyOtelInstrumentation;
}

/**
 * A span processor whose targets can grow after the provider is built (the SDK fixes its processors at
 * construction), so a second startTelemetry call can add an exporter instead of replacing the global provider.
 */
class FanOutSpanProcessor implements SpanProcessor {
  readonly processors: SpanProcessor[] = [];
  onStart(span: Span, parent: Context) {
    for (const p of this.processors) p.onStart(span, parent);
  }
  onEnd(span: ReadableSpan) {
    for (const p of this.processors) p.onEnd(span);
  }
  async forceFlush() {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }
  async shutdown() {
    await Promise.all(this.processors.map((p) => p.shutdown()));
  }
}

interface State extends Telemetry {
  fanOut: FanOutSpanProcessor;
  exporters: Set<SpanExporter | string>;
  unload: () => void;
}

let state: State | undefined;

function addExporters(current: State, options: TelemetryOptions) {
  if (options.otlpEndpoint && !current.exporters.has(options.otlpEndpoint)) {
    current.exporters.add(options.otlpEndpoint);
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    current.fanOut.processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (options.exporter && !current.exporters.has(options.exporter)) {
    current.exporters.add(options.exporter);
    current.fanOut.processors.push(new SimpleSpanProcessor(options.exporter));
  }
}

/**
 * Starts tracing once per process: a NodeTracerProvider with W3C trace-context propagation, and the fastify and
 * pg instrumentations. Call it before pg is first imported so the driver is patched. Calling it again returns the
 * running telemetry (adding any new exporter), so tests and mains can both call it.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (state) {
    addExporters(state, options);
    return state;
  }
  const fanOut = new FanOutSpanProcessor();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    }),
    spanProcessors: [fanOut],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const fastifyInstrumentation = new FastifyOtelInstrumentation({
    // Request spans are named by route template, not raw url: ids in paths would make every trace unique.
    requestHook: (span, request) => span.updateName(`${request.method} ${request.routeOptions.url ?? '(unmatched)'}`),
  });
  const unload = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [fastifyInstrumentation, new PgInstrumentation({ requireParentSpan: true })],
  });
  state = { provider, fastifyInstrumentation, fanOut, exporters: new Set(), unload };
  addExporters(state, options);
  return state;
}

/** The running telemetry, if startTelemetry was called. */
export const currentTelemetry = (): Telemetry | undefined => state;

/** Flushes and stops tracing and unregisters the global provider, so startTelemetry can start afresh. */
export async function shutdownTelemetry(): Promise<void> {
  const current = state;
  if (!current) return;
  state = undefined;
  current.unload();
  try {
    await current.provider.shutdown();
  } finally {
    trace.disable();
    context.disable();
    propagation.disable();
  }
}
