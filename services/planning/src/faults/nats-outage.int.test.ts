import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { DurableConsumer } from '@railyard/messaging';
import {
  appendedSince,
  createTestDatabase,
  type OwnNatsServer,
  startOwnNatsServer,
  type TestDatabase,
  testSubjectPrefix,
  waitFor,
} from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanningAsMain, startPlanningAsMain } from '../test-support/planning-as-main.js';

// The fault probe: a 20 s NATS outage disconnected the services for good. The client gave up after its default 10
// attempts × 2 s, readiness stayed 503, relay and consumers were dead until a restart, whose drain then failed.
// Here the service runs on a nats-server of this test's own, which is killed and, after more reconnect attempts than
// the old default allowed (waits shortened by configuration to keep the test quick), started again.
describe('NATS down, then back', () => {
  let db: TestDatabase;
  let nats: OwnNatsServer;
  let service: PlanningAsMain;
  let consumer: DurableConsumer;
  let effects: () => Promise<number>;
  const prefix = testSubjectPrefix('natsout');
  const OLD_DEFAULT_ATTEMPTS = 10;

  beforeAll(async () => {
    db = await createTestDatabase('natsout');
    nats = await startOwnNatsServer();
    service = await startPlanningAsMain({
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      SUBJECT_PREFIX: prefix,
      NATS_RECONNECT_WAIT_MS: '50',
      NATS_RECONNECT_MAX_WAIT_MS: '300',
    });
    // A durable consumer on the service's own connection, as a reactor would run.
    const probe = await service.probeConsumer();
    consumer = probe.consumer;
    effects = probe.effects;
  });

  afterAll(async () => {
    await service?.dropBus();
    await service?.close();
    await nats?.dispose();
    await db?.drop();
  });

  const storedIds = async () =>
    (await appendedSince(service.infra.store, 0n, { categories: ['release'] })).map((e) => e.id);

  /** The Nats-Msg-Id of every message in the service's stream, read with an ordered consumer. */
  async function busIds(): Promise<string[]> {
    const js = jetstream(service.infra.nats);
    const reader = await js.consumers.get(service.infra.bus.stream);
    const total = (await (await jetstreamManager(service.infra.nats)).streams.info(service.infra.bus.stream)).state
      .messages;
    const ids: string[] = [];
    while (ids.length < total) {
      const batch = await reader.fetch({ max_messages: total - ids.length, expires: 2000 });
      let got = 0;
      for await (const m of batch) {
        ids.push(m.headers?.get('Nats-Msg-Id') ?? '');
        got++;
      }
      if (got === 0) break;
    }
    return ids;
  }

  it('accepts commands, says NATS is down, never gives up, and delivers the backlog exactly once', async () => {
    const app = service.runtime.app;
    const manager = await service.auth('rm-ana', ['release-manager']);
    const plan = async (name: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/releases',
        headers: manager,
        payload: { name, targetDate: '2027-02-01' },
      });
      expect(res.statusCode).toBe(201);
    };
    for (let i = 0; i < 5; i++) await plan(`Before ${i}`);
    await waitFor('the first events handled', async () => (await busIds()).length === 5);

    await nats.kill();
    // Readiness names the dependency that is down, and only that one.
    const notReady = await waitFor('readiness to report NATS', async () => {
      const res = await app.inject({ method: 'GET', url: '/health/ready' });
      return res.statusCode === 503 ? res.json() : undefined;
    });
    expect(notReady.failing).toEqual(['nats']);
    expect(notReady.detail).toContain('NATS');
    // The store is the outbox: commands are accepted while the bus is away.
    for (let i = 0; i < 20; i++) await plan(`During ${i}`);
    // Keep the server away for longer than the old policy would have kept trying.
    await waitFor(
      'more reconnect attempts than the old default',
      () => service.infra.natsState().reconnectAttempts > OLD_DEFAULT_ATTEMPTS + 5,
      { timeoutMs: 30_000 },
    );
    expect(service.infra.natsState().connected).toBe(false);
    // The relay waits instead of piling publishes into the client's buffer (and lets go of its lock meanwhile).
    await waitFor('the relay to pause', () => {
      const relay = service.runtime.relay!.status();
      return relay.state === 'retrying' && relay.lastError === 'NATS disconnected';
    });
    for (let i = 0; i < 5; i++) await plan(`Late ${i}`);

    await nats.start();
    await waitFor(
      'ready again',
      async () => {
        const res = await app.inject({ method: 'GET', url: '/health/ready' });
        return res.statusCode === 200;
      },
      { timeoutMs: 30_000 },
    );
    for (let i = 0; i < 5; i++) await plan(`After ${i}`);

    const stored = await storedIds();
    expect(stored).toHaveLength(35);
    // The relay resumed: every stored event is on the bus exactly once, in the store's order.
    await waitFor('the backlog on the bus', async () => (await busIds()).length >= stored.length);
    expect(await busIds()).toEqual(stored);
    // The consumer resumed on the same connection: one effect per event.
    await waitFor('the consumer caught up', async () => (await effects()) === stored.length);
    expect(consumer.status().deadLettered).toBe(0);

    // And the shutdown is clean: no drain of a dead connection, nothing that failed to close.
    await service.dropBus();
    expect(await service.close()).toEqual([]);
    service = undefined as unknown as PlanningAsMain;
  });
});
