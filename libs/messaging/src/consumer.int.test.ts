import { randomUUID } from 'node:crypto';
import { headers as createHeaders } from '@nats-io/transport-node';
import { consumerName, deadLetterSubject, eventSubject, ReleasePlanned, streamName } from '@railyard/contracts';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusEvent, DeadLetterHeaders, decodeBusEvent, encodeBusEvent } from './bus-event.js';
import { type ConsumerOptions, createConsumer, type DurableConsumer } from './consumer.js';
import { PoisonMessageError } from './errors.js';
import { createRelay, type Relay } from './relay.js';
import {
  type BusFixture,
  createBusFixture,
  readMessages,
  streamMessageCount,
  testEvent,
  waitFor,
} from './test-support/bus-fixture.js';

let f: BusFixture;
let relay: Relay;

beforeAll(async () => {
  f = await createBusFixture('consumer');
  await f.pool.query('CREATE TABLE effects (consumer text NOT NULL, event_id text NOT NULL, note text)');
  relay = createRelay({
    store: f.store,
    js: f.js,
    pool: f.pool,
    service: 'planning',
    subjectPrefix: f.prefix,
    relayName: 'planning-relay-consumer-test',
    lockPollMs: 50,
  });
  await relay.start();
});

afterAll(async () => {
  await relay?.stop();
  await f?.cleanup();
});

/** A consumer of one event type on release streams, with its own durable name. */
function consumerOf(
  eventType: string,
  purpose: string,
  overrides: Partial<ConsumerOptions> & Pick<ConsumerOptions, 'handler'>,
) {
  const durable = consumerName('monitoring', purpose);
  return createConsumer({
    js: f.js,
    jsm: f.jsm,
    pool: f.pool,
    stream: f.streams.stream,
    durableName: durable,
    filterSubject: eventSubject(f.prefix, 'planning', 'release', eventType),
    deadLetterSubject: deadLetterSubject(f.prefix, durable),
    backoff: [20, 40],
    ...overrides,
  });
}

async function appendOne(type: string, data: Record<string, unknown>): Promise<string> {
  const event = testEvent(type, data);
  await f.store.append(streamName('release', randomUUID()), [event], 'noStream');
  return event.id;
}

async function effectsOf(consumer: DurableConsumer): Promise<{ event_id: string; note: string | null }[]> {
  const { rows } = await f.pool.query('SELECT event_id, note FROM effects WHERE consumer = $1', [consumer.name]);
  return rows;
}

async function recordEffect(consumer: string, event: BusEvent, tx: pg.PoolClient, note?: string) {
  await tx.query('INSERT INTO effects (consumer, event_id, note) VALUES ($1, $2, $3)', [
    consumer,
    event.id,
    note ?? null,
  ]);
}

/** The dead letters of a consumer, decoded, with their headers. */
async function deadLetters(consumer: DurableConsumer, expected: number) {
  const subject = deadLetterSubject(f.prefix, consumer.name);
  const messages = await readMessages(f.js, f.streams.deadLetterStream, expected, subject);
  return messages.map((m) => ({ subject: m.subject, body: m.data, headers: m.headers }));
}

/** Waits until the consumer has nothing pending or unacknowledged on the server. */
async function settled(consumer: DurableConsumer) {
  await waitFor(`${consumer.name} settled`, async () => {
    const info = await f.jsm.consumers.info(f.streams.stream, consumer.name);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  });
}

describe('durable consumer', () => {
  it('dead-letters a poison message and terms it, and goes on with the next', async () => {
    const calls = new Map<string, number>();
    const consumer = consumerOf('ReleaseScreened', 'poison-test', {
      handler: async (event, { tx }) => {
        calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
        await recordEffect('monitoring--poison-test', event, tx);
        if (event.data.verdict === 'poison') throw new PoisonMessageError('screening verdict is not acceptable');
      },
    });
    await consumer.start();
    try {
      const poisonId = await appendOne('ReleaseScreened', { verdict: 'poison' });
      const goodId = await appendOne('ReleaseScreened', { verdict: 'ok' });
      await waitFor('good event handled', async () => (await effectsOf(consumer)).some((e) => e.event_id === goodId));
      await settled(consumer);

      // Termed: delivered once, never again; its effect was rolled back and no inbox row claims it.
      expect(calls.get(poisonId)).toBe(1);
      expect((await effectsOf(consumer)).map((e) => e.event_id)).toEqual([goodId]);
      const inbox = await f.pool.query('SELECT event_id FROM messaging.inbox WHERE consumer = $1', [consumer.name]);
      expect(inbox.rows.map((r) => r.event_id)).toEqual([goodId]);
      expect(consumer.status()).toMatchObject({ handled: 1, deadLettered: 1, retried: 0 });

      const [letter] = await deadLetters(consumer, 1);
      expect(letter).toBeDefined();
      expect(decodeBusEvent(letter!.body).id).toBe(poisonId);
      expect(letter!.headers?.get(DeadLetterHeaders.reason)).toMatch(/^poison: PoisonMessageError: screening verdict/);
      expect(letter!.headers?.get(DeadLetterHeaders.consumer)).toBe(consumer.name);
      expect(letter!.headers?.get(DeadLetterHeaders.originalSubject)).toBe(
        eventSubject(f.prefix, 'planning', 'release', 'ReleaseScreened'),
      );
      expect(letter!.headers?.get(DeadLetterHeaders.deliveries)).toBe('1');
    } finally {
      await consumer.stop();
    }
  });

  it('dead-letters schema failures: a body that is not an event, and data its schema rejects', async () => {
    const type = 'ReleasePlanned';
    const consumer = consumerOf(type, 'schema-test', {
      handler: async (event, { tx }) => {
        ReleasePlanned.schema.parse(event.data); // throws a ZodError for data of the wrong shape
        await recordEffect('monitoring--schema-test', event, tx);
      },
    });
    await consumer.start();
    try {
      await f.js.publish(eventSubject(f.prefix, 'planning', 'release', type), 'not json at all', {
        msgID: randomUUID(),
      });
      const badId = await appendOne(type, { name: 42 });
      await waitFor('two dead letters', () => consumer.status().deadLettered === 2);
      await settled(consumer);
      const letters = await deadLetters(consumer, 2);
      const reasons = letters.map((l) => l.headers?.get(DeadLetterHeaders.reason));
      expect(reasons[0]).toMatch(/^schema: PoisonMessageError: message body is not JSON/);
      expect(reasons[1]).toMatch(/^poison: ZodError/);
      expect(decodeBusEvent(letters[1]!.body).id).toBe(badId);
      expect(await effectsOf(consumer)).toEqual([]);
    } finally {
      await consumer.stop();
    }
  });

  it('redelivers a transient failure with backoff, rolls back the failed attempts, and then succeeds', async () => {
    const deliveries: number[] = [];
    const consumer = consumerOf('ReleaseChecked', 'transient-test', {
      handler: async (event, { tx, deliveryCount }) => {
        deliveries.push(deliveryCount);
        // The effect is written before the failure: the rollback must undo it.
        await recordEffect('monitoring--transient-test', event, tx, `attempt ${deliveryCount}`);
        if (deliveryCount < 3) throw new Error('deploy agent unreachable');
      },
    });
    await consumer.start();
    try {
      const id = await appendOne('ReleaseChecked', {});
      await waitFor('effect committed', async () => (await effectsOf(consumer)).length === 1);
      await settled(consumer);
      expect(deliveries).toEqual([1, 2, 3]);
      expect(await effectsOf(consumer)).toEqual([{ event_id: id, note: 'attempt 3' }]);
      expect(consumer.status()).toMatchObject({ handled: 1, retried: 2, deadLettered: 0 });
    } finally {
      await consumer.stop();
    }
  });

  it('dead-letters a message that still fails after maxDeliver attempts', async () => {
    let attempts = 0;
    const consumer = consumerOf('ReleaseAudited', 'give-up-test', {
      maxDeliver: 3,
      handler: async () => {
        attempts++;
        throw new Error('audit service down');
      },
    });
    await consumer.start();
    try {
      const id = await appendOne('ReleaseAudited', {});
      await waitFor('dead-lettered', () => consumer.status().deadLettered === 1);
      await settled(consumer);
      expect(attempts).toBe(3);
      const [letter] = await deadLetters(consumer, 1);
      expect(decodeBusEvent(letter!.body).id).toBe(id);
      expect(letter!.headers?.get(DeadLetterHeaders.reason)).toBe(
        'gave up after 3 attempts: Error: audit service down',
      );
      expect(letter!.headers?.get(DeadLetterHeaders.deliveries)).toBe('3');
    } finally {
      await consumer.stop();
    }
  });

  it('has the effect of an event delivered twice (past the dedup window) exactly once', async () => {
    const type = 'ReleaseNoted';
    const consumer = consumerOf(type, 'inbox-test', {
      handler: async (event, { tx }) => recordEffect('monitoring--inbox-test', event, tx),
    });
    await consumer.start();
    try {
      const id = await appendOne(type, {});
      await waitFor('first effect', async () => (await effectsOf(consumer)).length === 1);
      // The same event again under another message id, as a republish after the dedup window would be.
      const [stored] = (await f.store.readAll({ filter: { eventTypes: [type] } })).filter((e) => e.id === id);
      const h = createHeaders();
      const before = await streamMessageCount(f.jsm, f.streams.stream);
      await f.js.publish(eventSubject(f.prefix, 'planning', 'release', type), encodeBusEvent(stored!), {
        msgID: randomUUID(),
        headers: h,
      });
      expect(await streamMessageCount(f.jsm, f.streams.stream)).toBe(before + 1);
      await waitFor('duplicate skipped', () => consumer.status().duplicates === 1);
      await settled(consumer);
      expect(await effectsOf(consumer)).toEqual([{ event_id: id, note: null }]);
      expect(consumer.status()).toMatchObject({ handled: 1, duplicates: 1 });
    } finally {
      await consumer.stop();
    }
  });

  it('resumes where it left off when restarted under the same durable name', async () => {
    const type = 'ReleaseResumed';
    const make = () =>
      consumerOf(type, 'restart-test', {
        handler: async (event, { tx }) => recordEffect('monitoring--restart-test', event, tx),
      });
    const first = make();
    await first.start();
    const firstIds = [await appendOne(type, { n: 1 }), await appendOne(type, { n: 2 })];
    await waitFor('first two handled', async () => (await effectsOf(first)).length === 2);
    await first.stop();

    const laterIds = [await appendOne(type, { n: 3 }), await appendOne(type, { n: 4 })];
    await waitFor('stopped consumer lags by 2', async () => (await first.lag()) === 2);
    const second = make(); // same durable: the server-side consumer is updated, not recreated
    await second.start();
    try {
      await waitFor('all four handled', async () => (await effectsOf(second)).length === 4);
      await settled(second);
      expect((await effectsOf(second)).map((e) => e.event_id).sort()).toEqual([...firstIds, ...laterIds].sort());
      expect(second.status()).toMatchObject({ handled: 2, duplicates: 0 });
      expect(await second.lag()).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
