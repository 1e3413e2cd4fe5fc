import { randomUUID } from 'node:crypto';
import { consumerName, deadLetterSubject, eventSubject, streamName } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStream } from './bus-streams.js';
import { createConsumer, type DurableConsumer } from './consumer.js';
import type { ConsumerCatchUp } from './consumer-catch-up.js';
import { createRelay, type Relay } from './relay.js';
import {
  type BusFixture,
  createBusFixture,
  streamMessageCount,
  testEvent,
  waitFor,
} from './test-support/bus-fixture.js';

let f: BusFixture;
let relay: Relay;

beforeAll(async () => {
  f = await createBusFixture('catchup');
  // No unique key on purpose: a duplicate effect must show up as a second row.
  await f.pool.query('CREATE TABLE effects (consumer text NOT NULL, event_id text NOT NULL, source text NOT NULL)');
  relay = createRelay({
    store: f.store,
    js: f.js,
    pool: f.pool,
    service: 'planning',
    categories: ['release'],
    subjectPrefix: f.prefix,
    relayName: 'catchup-test-relay',
    lockPollMs: 50,
  });
  await relay.start();
});

afterAll(async () => {
  await relay?.stop();
  await f?.cleanup();
});

/** A consumer of one event type on streams of `category`, recording each effect with where it came from. */
function consumerOf(
  purpose: string,
  category: string,
  eventType: string,
  catchUp: Partial<ConsumerCatchUp>,
  bus = { prefix: f.prefix, stream: f.streams.stream },
  /** A handler slower on history than the relay's poll: it widens the window in which a hand-over can lose events. */
  slowFromStore = false,
): DurableConsumer {
  const durable = consumerName('monitoring', purpose);
  return createConsumer({
    js: f.js,
    jsm: f.jsm,
    pool: f.pool,
    stream: bus.stream,
    durableName: durable,
    filterSubject: eventSubject(bus.prefix, 'planning', category, eventType),
    deadLetterSubject: deadLetterSubject(bus.prefix, durable),
    backoff: [20, 40],
    leasePollMs: 50,
    catchUp: { store: f.store, subjectPrefix: bus.prefix, ...catchUp },
    handler: async (event, { tx, headers }) => {
      // Bus messages keep the relay's Nats-Msg-Id header; events read from the store have none.
      const source = headers?.has('Nats-Msg-Id') ? 'bus' : 'store';
      if (slowFromStore && source === 'store') await tx.query('SELECT pg_sleep(0.01)');
      await tx.query('INSERT INTO effects (consumer, event_id, source) VALUES ($1, $2, $3)', [
        durable,
        event.id,
        source,
      ]);
    },
  });
}

let lastAppended = 0n;

async function append(category: string, type: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const event = testEvent(type, { n: i });
    const { lastPosition } = await f.store.append(streamName(category, randomUUID()), [event], 'noStream');
    if (lastPosition > lastAppended) lastAppended = lastPosition;
    ids.push(event.id);
  }
  return ids;
}

async function effectsOf(consumer: DurableConsumer) {
  const { rows } = await f.pool.query<{ event_id: string; source: string }>(
    'SELECT event_id, source FROM effects WHERE consumer = $1',
    [consumer.name],
  );
  return rows;
}

/**
 * Waits until the relay has published everything appended so far. The store first has to show it: on a shared
 * server, other sessions' open transactions can hold recent events back (the xmin horizon), and a lag of 0 would
 * then only mean "all it can see".
 */
async function relayed(r: Relay = relay) {
  await waitFor('store shows every append', async () => (await f.store.headPosition()) >= lastAppended);
  await waitFor('relay caught up', async () => (await r.lag()) === 0);
}

async function settled(consumer: DurableConsumer, stream = f.streams.stream) {
  await waitFor(`${consumer.name} settled`, async () => {
    const info = await f.jsm.consumers.info(stream, consumer.name);
    return consumer.status().state === 'running' && info.num_pending === 0 && info.num_ack_pending === 0;
  });
}

describe('consumer catch-up from the event store', () => {
  it('handles events appended before it existed and purged from the bus exactly once, then live ones', async () => {
    const type = 'ReleaseCaught';
    const purged = await append('release', type, 30);
    await append('release', 'ReleaseIgnored', 10); // outside the consumer's filter: never handled
    await relayed();
    await f.jsm.streams.purge(f.streams.stream);
    expect(await streamMessageCount(f.jsm, f.streams.stream)).toBe(0);
    const stillOnBus = await append('release', type, 5); // the bus still holds these: the overlap case
    await relayed();

    const consumer = consumerOf('catch-up-purged', 'release', type, { start: 'beginning', pageSize: 7 });
    await consumer.start();
    try {
      await waitFor('history handled', async () => (await effectsOf(consumer)).length >= 35);
      const live = await append('release', type, 5);
      await waitFor('live events handled', async () => (await effectsOf(consumer)).length >= 40);
      await settled(consumer);

      const effects = await effectsOf(consumer);
      const expected = [...purged, ...stillOnBus, ...live];
      expect(effects.map((e) => e.event_id).sort()).toEqual([...expected].sort());
      expect(new Set(effects.map((e) => e.event_id)).size).toBe(effects.length);
      for (const e of effects.filter((x) => purged.includes(x.event_id))) expect(e.source).toBe('store');
      for (const e of effects.filter((x) => live.includes(x.event_id))) expect(e.source).toBe('bus');
      expect(consumer.status()).toMatchObject({ handled: 40, fromStore: 35, deadLettered: 0 });
    } finally {
      await consumer.stop();
    }
  });

  it('switches to the bus under concurrent appends: nothing lost, nothing handled twice', async () => {
    const type = 'ReleaseRaced';
    const before = await append('release', type, 200);
    const during: string[] = [];
    let writing = true;
    let consumer: DurableConsumer | undefined;
    // Eight writers keep appending while the consumer reads history and hands over to the bus. Once it runs, they
    // stay at most 60 events ahead of it: a catch-up hands over when a read reaches the head of the store, and
    // writers at full speed would outrun a consumer that applies one event per transaction (on the bus as well).
    const writers = Array.from({ length: 8 }, async () => {
      while (writing) {
        const c = consumer;
        if (c)
          await waitFor(
            'consumer close behind',
            () => !writing || before.length + during.length - c.status().handled <= 60,
          );
        during.push(...(await append('release', type, 1)));
      }
    });
    await waitFor('writers running', () => during.length >= 40);

    consumer = consumerOf('catch-up-race', 'release', type, { start: 'beginning', pageSize: 25 }, undefined, true);
    await consumer.start();
    try {
      await waitFor('caught up and on the bus', () => consumer.status().state === 'running');
      // Keep writing across the hand-over, then stop.
      const atHandOver = during.length;
      await waitFor('writes after the hand-over', () => during.length >= atHandOver + 80);
      writing = false;
      await Promise.all(writers);
      const all = [...before, ...during];
      await relayed();
      await waitFor('every event handled', async () => (await effectsOf(consumer)).length >= all.length);
      await settled(consumer);

      const effects = await effectsOf(consumer);
      expect(effects.length).toBe(all.length);
      expect(new Set(effects.map((e) => e.event_id))).toEqual(new Set(all));
      // Both paths were really exercised.
      expect(effects.some((e) => e.source === 'store')).toBe(true);
      expect(effects.some((e) => e.source === 'bus')).toBe(true);
    } finally {
      writing = false;
      await Promise.all(writers);
      await consumer.stop();
    }
  });

  it('runs the catch-up once when replicas start together; each live event is handled once across them', async () => {
    const type = 'ReleaseReplicated';
    const history = await append('release', type, 40);
    await relayed();
    await f.jsm.streams.purge(f.streams.stream);
    const replicas = [0, 1, 2].map(() => consumerOf('catch-up-replicas', 'release', type, { start: 'beginning' }));
    await Promise.all(replicas.map((r) => r.start()));
    try {
      await waitFor('all replicas running', () => replicas.every((r) => r.status().state === 'running'));
      const live = await append('release', type, 30);
      await waitFor('live events handled', async () => (await effectsOf(replicas[0]!)).length >= 70);
      await settled(replicas[0]!);
      const effects = await effectsOf(replicas[0]!);
      expect(effects.map((e) => e.event_id).sort()).toEqual([...history, ...live].sort());
      // One replica read the history under the consumer's lease; the others found the durable ready.
      expect(replicas.map((r) => r.status().fromStore).sort((a, b) => a - b)).toEqual([0, 0, 40]);
      expect(replicas.reduce((n, r) => n + r.status().handled, 0)).toBe(70);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });

  it('catches up while running when its durable is deleted (how an operator asks for it after a purge)', async () => {
    const type = 'ReleaseRedone';
    const consumer = consumerOf('catch-up-deleted', 'release', type, { start: 'beginning' });
    await consumer.start();
    try {
      const before = await append('release', type, 5);
      await waitFor('first events handled', async () => (await effectsOf(consumer)).length === 5);
      await relayed();
      await f.jsm.streams.purge(f.streams.stream);
      await f.jsm.consumers.delete(f.streams.stream, consumer.name);
      const missed = await append('release', type, 5);
      await waitFor('missed events handled', async () => (await effectsOf(consumer)).length >= 10);
      const live = await append('release', type, 3);
      await waitFor('live events handled', async () => (await effectsOf(consumer)).length >= 13);
      await settled(consumer);
      const effects = await effectsOf(consumer);
      expect(effects.map((e) => e.event_id).sort()).toEqual([...before, ...missed, ...live].sort());
    } finally {
      await consumer.stop();
    }
  });

  it('catches up a durable whose unacknowledged messages aged out of the bus', async () => {
    // A bus of its own whose messages live one second, so "older than the bus holds" happens for real.
    const prefix = `${f.prefix}_age`;
    const stream = `${f.streams.stream}_AGE`;
    await ensureStream(f.jsm, { name: stream, subjects: [`${prefix}.>`], maxAgeMs: 1000, duplicateWindowMs: 500 });
    const shortRelay = createRelay({
      store: f.store,
      js: f.js,
      pool: f.pool,
      service: 'planning',
      categories: ['releaseTrain'],
      subjectPrefix: prefix,
      relayName: 'catchup-test-short-relay',
      lockPollMs: 50,
    });
    await shortRelay.start();
    const type = 'TrainNoted';
    const make = () => consumerOf('catch-up-aged', 'releaseTrain', type, {}, { prefix, stream });
    try {
      const first = make();
      await first.start();
      const early = await append('releaseTrain', type, 3);
      await waitFor('early events handled from the bus', async () => (await effectsOf(first)).length === 3);
      await first.stop();

      // While the consumer is down, events are published and age out before anyone reads them.
      const missed = await append('releaseTrain', type, 10);
      await relayed(shortRelay);
      await waitFor('missed events aged out', async () => {
        const { state } = await f.jsm.streams.info(stream);
        return state.messages === 0 && state.last_seq >= 13;
      });

      const second = make();
      await second.start();
      try {
        await waitFor('missed events handled', async () => (await effectsOf(second)).length >= 13);
        const live = await append('releaseTrain', type, 2);
        await waitFor('live events handled', async () => (await effectsOf(second)).length >= 15);
        await settled(second, stream);
        const effects = await effectsOf(second);
        expect(effects.map((e) => e.event_id).sort()).toEqual([...early, ...missed, ...live].sort());
        for (const e of effects.filter((x) => missed.includes(x.event_id))) expect(e.source).toBe('store');
        // It never caught up before, so it read the whole history: the 3 it had already handled were absorbed.
        expect(second.status()).toMatchObject({ handled: 12, duplicates: 3, fromStore: 13 });
      } finally {
        await second.stop();
      }
    } finally {
      await shortRelay.stop();
      await f.jsm.streams.delete(stream).catch(() => {});
    }
  });
});
