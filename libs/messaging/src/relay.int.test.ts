import { randomUUID } from 'node:crypto';
import { consumerName, deadLetterSubject, streamName, subjectFilter } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusHeaders, decodeBusEvent } from './bus-event.js';
import { createConsumer } from './consumer.js';
import { createRelay } from './relay.js';
import { readRelayCheckpoint } from './relay-checkpoint.js';
import {
  type BusFixture,
  createBusFixture,
  readMessages,
  streamMessageCount,
  testEvent,
  waitFor,
} from './test-support/bus-fixture.js';

let f: BusFixture;

beforeAll(async () => {
  f = await createBusFixture('relay');
});

afterAll(async () => {
  await f?.cleanup();
});

/** Appends `count` events to each stream, one append per event, as a command handler would. */
async function appendEach(streams: string[], count: number, type = 'ReleasePlanned'): Promise<void> {
  for (const stream of streams) {
    const existing = await f.store.readStream(stream, { direction: 'backwards', limit: 1 });
    let revision: bigint | 'noStream' = existing[0]?.revision ?? 'noStream';
    for (let i = 0; i < count; i++) {
      const result = await f.store.append(stream, [testEvent(type, { i })], revision);
      revision = result.nextExpectedRevision;
    }
  }
}

describe('relay', () => {
  it('publishes concurrent writers’ events exactly once each, in order per stream and by position', async () => {
    const streams = Array.from({ length: 8 }, () => streamName('release', randomUUID()));
    const bus = f.streams.stream;
    const before = await streamMessageCount(f.jsm, bus);
    const relay = createRelay({
      store: f.store,
      js: f.js,
      pool: f.pool,
      service: 'planning',
      subjectPrefix: f.prefix,
      relayName: 'planning-relay-concurrent',
      batchSize: 25,
      lockPollMs: 50,
    });
    await relay.start();
    try {
      // 8 writers × 50 events, each on its own stream, all appending while the relay tails the store.
      await Promise.all(streams.map((s) => appendEach([s], 50)));
      await waitFor('400 events on the bus', async () => (await streamMessageCount(f.jsm, bus)) - before === 400);
      await waitFor('relay lag 0', async () => (await relay.lag()) === 0);
    } finally {
      await relay.stop();
    }

    const messages = (await readMessages(f.js, bus, before + 400)).slice(before);
    expect(messages).toHaveLength(400);
    const seen = new Set<string>();
    const lastRevision = new Map<string, bigint>();
    let lastPosition = 0n;
    for (const m of messages) {
      const event = decodeBusEvent(m.data);
      expect(m.subject).toBe(`${f.prefix}.planning.release.ReleasePlanned`);
      expect(m.headers?.get('Nats-Msg-Id')).toBe(event.id);
      expect(m.headers?.get(BusHeaders.streamId)).toBe(event.streamId);
      expect(m.headers?.get(BusHeaders.revision)).toBe(event.revision.toString());
      expect(m.headers?.get(BusHeaders.position)).toBe(event.position.toString());
      expect(m.headers?.get(BusHeaders.eventType)).toBe(event.type);
      expect(seen.has(event.id)).toBe(false);
      seen.add(event.id);
      // Per stream: revisions 0, 1, 2, … with no gap; globally: positions strictly increasing.
      expect(event.revision).toBe((lastRevision.get(event.streamId) ?? -1n) + 1n);
      lastRevision.set(event.streamId, event.revision);
      expect(event.position > lastPosition).toBe(true);
      lastPosition = event.position;
    }
    expect([...lastRevision.keys()].sort()).toEqual([...streams].sort());
    expect([...lastRevision.values()].every((r) => r === 49n)).toBe(true);
  });

  it('runs single-active: a second relay of the same name waits as standby and takes over on stop', async () => {
    const name = 'planning-relay-standby';
    const stream = streamName('release', randomUUID());
    const bus = f.streams.stream;
    const options = {
      store: f.store,
      js: f.js,
      pool: f.pool,
      service: 'planning' as const,
      subjectPrefix: f.prefix,
      relayName: name,
      lockPollMs: 50,
    };
    const a = createRelay(options);
    const b = createRelay(options);
    const before = await streamMessageCount(f.jsm, bus);
    await a.start();
    await waitFor('relay a active', () => a.status().state === 'active');
    await b.start();
    await waitFor('relay b standby', () => b.status().state === 'standby');
    try {
      // A new relay name starts from the beginning of the log: let it catch up (as duplicates) first.
      await waitFor('relay a caught up', async () => (await a.lag()) === 0);
      const publishedBefore = a.status().published;
      await appendEach([stream], 10);
      await waitFor('10 events published', async () => (await streamMessageCount(f.jsm, bus)) - before === 10);
      await waitFor('relay a checkpointed', () => a.status().published === publishedBefore + 10);
      expect(b.status()).toMatchObject({ state: 'standby', published: 0 });

      await a.stop();
      await waitFor('relay b active', () => b.status().state === 'active');
      await appendEach([stream], 5);
      await waitFor('relay b published 5', () => b.status().published === 5);
      // b resumed from a's checkpoint: nothing was republished.
      expect(b.status().duplicates).toBe(0);
      expect((await streamMessageCount(f.jsm, bus)) - before).toBe(15);
      expect(await b.lag()).toBe(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('delivers every event exactly once to a consumer when the relay is killed mid-stream and restarted', async () => {
    const name = 'planning-relay-crash';
    const bus = f.streams.stream;
    const streams = Array.from({ length: 5 }, () => streamName('release', randomUUID()));
    // The effect table has no unique key on purpose: a double effect would show up as a duplicate row.
    await f.pool.query('CREATE TABLE IF NOT EXISTS crash_effects (event_id text NOT NULL, stream_id text NOT NULL)');
    const durable = consumerName('governance', 'relay-crash-test');
    const consumer = createConsumer({
      js: f.js,
      jsm: f.jsm,
      pool: f.pool,
      stream: bus,
      durableName: durable,
      filterSubject: subjectFilter(f.prefix, 'planning', 'release'),
      deadLetterSubject: deadLetterSubject(f.prefix, durable),
      backoff: [50],
      handler: async (event, { tx }) => {
        if (!streams.includes(event.streamId)) return;
        await tx.query('INSERT INTO crash_effects (event_id, stream_id) VALUES ($1, $2)', [event.id, event.streamId]);
      },
    });
    const effects = async () => Number((await f.pool.query('SELECT count(*) AS n FROM crash_effects')).rows[0].n);
    const relayOptions = {
      store: f.store,
      js: f.js,
      pool: f.pool,
      service: 'planning' as const,
      subjectPrefix: f.prefix,
      relayName: name,
      lockPollMs: 50,
    };
    // A long retry delay: after its crash, relay A stays down until the test replaces it.
    const relayA = createRelay({ ...relayOptions, retryDelayMs: 600_000 });
    await consumer.start();
    await relayA.start();
    const blocker = await f.pool.connect();
    try {
      const busBefore = await streamMessageCount(f.jsm, bus);
      await appendEach(streams, 4); // 20 events, published and checkpointed normally
      await waitFor('20 effects', async () => (await effects()) === 20);
      await waitFor('checkpoint at head', async () => (await relayA.lag()) === 0);
      const checkpointBeforeCrash = await readRelayCheckpoint(f.pool, name);

      // Lock the checkpoint table against writes: relay A keeps publishing but cannot record how far it got.
      // A table lock takes no transaction id, so it does not hold back the store's xmin-based readers (a row
      // lock would, and would stall every subscription in the cluster).
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE messaging.relay_checkpoints IN SHARE MODE');
      await appendEach(streams, 6); // 30 more events
      await waitFor('50 events on the bus', async () => (await streamMessageCount(f.jsm, bus)) - busBefore === 50);
      // Kill relay A's database session while its checkpoint write waits: a crash after publish, before checkpoint.
      const pid = await waitFor('relay A waiting on its checkpoint write', async () => {
        const { rows } = await f.pool.query(
          `SELECT pid FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE messaging.relay_checkpoints%'`,
        );
        return rows[0]?.pid as number | undefined;
      });
      await f.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await waitFor('relay A crashed', () => relayA.status().state === 'retrying');
      await blocker.query('ROLLBACK');
      await relayA.stop();
      expect(await readRelayCheckpoint(f.pool, name)).toBe(checkpointBeforeCrash);

      await appendEach(streams, 4); // 20 more while no relay runs
      const relayB = createRelay(relayOptions);
      await relayB.start();
      try {
        await waitFor('70 effects', async () => (await effects()) === 70);
        await waitFor('relay B caught up', async () => (await relayB.lag()) === 0);
        // Relay B republished the 30 unrecorded events; JetStream's duplicate window dropped every one.
        expect(relayB.status()).toMatchObject({ published: 50, duplicates: 30 });
      } finally {
        await relayB.stop();
      }
      expect((await streamMessageCount(f.jsm, bus)) - busBefore).toBe(70);
      const { rows } = await f.pool.query(
        'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_ids FROM crash_effects',
      );
      expect(rows[0]).toEqual({ n: 70, distinct_ids: 70 });
      const stored = await f.store.readAll({ filter: { categories: ['release'] } });
      const ours = stored.filter((e) => streams.includes(e.streamId)).map((e) => e.id);
      const applied = (await f.pool.query('SELECT event_id FROM crash_effects')).rows.map((r) => r.event_id as string);
      expect(applied.sort()).toEqual(ours.sort());
    } finally {
      blocker.release();
      await relayA.stop();
      await consumer.stop();
    }
  });
});
