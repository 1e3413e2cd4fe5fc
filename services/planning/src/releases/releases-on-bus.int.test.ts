import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { consumerName, deadLetterSubject, subjectFilter } from '@railyard/contracts';
import { createConsumer, type DurableConsumer, ensureBusStreams } from '@railyard/messaging';
import { startTelemetry } from '@railyard/service-kit';
import { testInfra, testSubjectPrefix, waitFor } from '@railyard/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanningFixture, startPlanning } from '../test-support/planning-fixture.js';

// Telemetry first, as main() does, so the HTTP server span exists and its trace id rides in event metadata.
const spans = new InMemorySpanExporter();
startTelemetry({ serviceName: 'planning-test', exporter: spans });

describe('release events on the bus', () => {
  let f: PlanningFixture;
  let nc: NatsConnection;
  let pool: pg.Pool;
  let consumer: DurableConsumer;
  let prefix: string;
  let streamName: string;

  beforeAll(async () => {
    const { natsUrl } = await testInfra();
    nc = await connect({ servers: natsUrl });
    prefix = testSubjectPrefix('relbus');
    const jsm = await jetstreamManager(nc);
    const streams = await ensureBusStreams(jsm, { prefix, name: prefix.toUpperCase() });
    streamName = streams.stream;
    // The service as main() wires it, relay included, publishing under this file's prefix.
    f = await startPlanning('releasesBus', { nats: nc, subjectPrefix: prefix });
    pool = f.pool;
    await pool.query('CREATE TABLE received (event_id uuid, subject text, type text, trace_id text)');
    const durable = consumerName('governance', 'test-release-events');
    consumer = createConsumer({
      js: jetstream(nc),
      jsm,
      pool,
      stream: streamName,
      durableName: durable,
      filterSubject: subjectFilter(prefix, 'planning'),
      deadLetterSubject: deadLetterSubject(prefix, durable),
      async handler(event, ctx) {
        await ctx.tx.query('INSERT INTO received VALUES ($1, $2, $3, $4)', [
          event.id,
          ctx.subject,
          event.type,
          ctx.span.spanContext().traceId,
        ]);
      },
    });
    await consumer.start();
  });
  afterAll(async () => {
    await consumer?.stop();
    await f?.close();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(streamName).catch(() => {});
    await jsm.streams.delete(`${streamName}_DLQ`).catch(() => {});
    await nc?.drain();
  });

  it('delivers every event of a release to a consumer exactly once, on its subject, with the HTTP trace', async () => {
    const manager = await f.auth('rm-ana', ['release-manager']);
    const planned = await f.app.inject({
      method: 'POST',
      url: '/releases',
      headers: manager,
      payload: { name: 'On the bus', targetDate: '2026-12-20' },
    });
    const id = planned.json().id as string;
    const scoped = await f.app.inject({
      method: 'POST',
      url: `/releases/${id}/scope-items`,
      headers: manager,
      payload: { title: 'Bus test', team: 'platform', kind: 'chore' },
    });
    const owner = await f.auth('po-cy', ['product-owner']);
    await f.app.inject({
      method: 'POST',
      url: `/releases/${id}/scope-items/${scoped.json().itemId}/accept`,
      headers: owner,
    });
    await f.app.inject({ method: 'POST', url: `/releases/${id}/freeze`, headers: manager });
    const stored = await f.store.readStream(`release-${id}`);
    expect(stored).toHaveLength(4);

    const rows = await waitFor('four deliveries', async () => {
      const { rows } = await pool.query<{ event_id: string; subject: string; type: string; trace_id: string }>(
        'SELECT * FROM received WHERE event_id = ANY($1::uuid[]) ORDER BY subject',
        [stored.map((e) => e.id)],
      );
      return rows.length >= 4 ? rows : undefined;
    });
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(4);
    expect(rows.map((r) => r.subject).sort()).toEqual([
      `${prefix}.planning.release.ReleaseFrozen`,
      `${prefix}.planning.release.ReleasePlanned`,
      `${prefix}.planning.release.ScopeItemAccepted`,
      `${prefix}.planning.release.ScopeItemAdded`,
    ]);
    // Each event's consumer span continues the trace of the HTTP request that caused it.
    for (const event of stored) {
      const traceId = event.metadata.traceparent?.split('-')[1];
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(rows.find((r) => r.event_id === event.id)?.trace_id).toBe(traceId);
      const httpSpan = spans.getFinishedSpans().find((s) => s.spanContext().traceId === traceId && s.kind === 1);
      expect(httpSpan, 'the HTTP server span of that trace').toBeDefined();
    }
    // And exactly once on the stream itself (the relay's Nats-Msg-Id deduplicates re-publishes).
    const info = await (await jetstreamManager(nc)).streams.info(streamName);
    expect(info.state.messages).toBe(4);
  });
});
