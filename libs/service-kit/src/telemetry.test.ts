import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { shutdownTelemetry, startTelemetry } from './telemetry.js';
import { bearer, captureLogger, testApp } from './test-support/test-app.js';

afterAll(() => shutdownTelemetry());

describe('telemetry', () => {
  it('is idempotent and turns a request into a server span whose ids reach the logs and the command context', async () => {
    const exporter = new InMemorySpanExporter();
    const first = startTelemetry({ serviceName: 'test-service', exporter });
    expect(startTelemetry({ serviceName: 'test-service', exporter })).toBe(first);
    const { logger, lines } = captureLogger();
    const app = await testApp({ logger });
    const parentTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await app.inject({
      method: 'POST',
      url: '/context',
      payload: {},
      headers: { authorization: await bearer(['developer']), traceparent: `00-${parentTraceId}-00f067aa0ba902b7-01` },
    });
    expect(res.statusCode).toBe(200);
    await app.close();
    const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(server?.name).toBe('POST /context');
    expect(server?.spanContext().traceId).toBe(parentTraceId);
    expect(server?.attributes['http.response.status_code']).toBe(200);
    expect(res.json().traceparent).toMatch(new RegExp(`^00-${parentTraceId}-[0-9a-f]{16}-01$`));
    const requestLog = lines.find((l) => l.msg === 'request completed');
    expect(requestLog?.trace_id).toBe(parentTraceId);
    expect(requestLog?.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('traces pg queries made while handling a request as children of the request span', async () => {
    const exporter = new InMemorySpanExporter();
    startTelemetry({ serviceName: 'test-service', exporter });
    // Imported only now: the pg driver is patched when it is loaded after startTelemetry, as in main().
    const pg = (await import('pg')).default;
    const { testPostgres } = await import('@railyard/testing');
    const client = new pg.Client({ connectionString: (await testPostgres()).url });
    await client.connect();
    const app = await testApp({}, (scope) =>
      scope.get('/db', { config: { public: true } }, async () => (await client.query('select 1 as one')).rows[0]),
    );
    const res = await app.inject({ method: 'GET', url: '/db' });
    await client.end();
    await app.close();
    expect(res.json()).toEqual({ one: 1 });
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.name === 'GET /db');
    const query = spans.find((s) => s.name.startsWith('pg.query'));
    expect(query?.spanContext().traceId).toBe(server?.spanContext().traceId);
  });

  it('starts afresh after shutdown', async () => {
    await shutdownTelemetry();
    const exporter = new InMemorySpanExporter();
    startTelemetry({ serviceName: 'again', exporter });
    const app = await testApp();
    await app.inject({ method: 'GET', url: '/nowhere' });
    await app.close();
    expect(exporter.getFinishedSpans().some((s) => s.kind === SpanKind.SERVER)).toBe(true);
  });
});
