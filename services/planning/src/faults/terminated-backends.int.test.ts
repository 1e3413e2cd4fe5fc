import { jetstreamManager } from '@nats-io/jetstream';
import { busStreamNames, ReleasePlanned } from '@railyard/contracts';
import {
  appendedSince,
  createTestDatabase,
  type TestDatabase,
  testInfra,
  testPostgres,
  testSubjectPrefix,
  waitFor,
} from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseStream } from '../releases/release-commands.js';
import { type PlanningAsMain, startPlanningAsMain } from '../test-support/planning-as-main.js';

// The fault probe: `pg_terminate_backend` on every backend of the service's database made every service exit within
// 0.3 s ("Unhandled 'error' event"), because connections held outside a query had no error listener. The service
// here is composed as main() composes it, under a steady stream of commands; its database's backends are killed
// three times. It must keep serving, and every command it acknowledged must be in the store and on the bus.
describe('Postgres backends terminated under a working service', () => {
  let db: TestDatabase;
  let service: PlanningAsMain;
  let admin: pg.Client;
  let prefix: string;

  beforeAll(async () => {
    db = await createTestDatabase('pgterm');
    prefix = testSubjectPrefix('pgterm');
    service = await startPlanningAsMain({
      DATABASE_URL: db.url,
      NATS_URL: (await testInfra()).natsUrl,
      SUBJECT_PREFIX: prefix,
      SEAL_INTERVAL_MS: '200',
    });
    // The killer connects to the maintenance database, so it never terminates itself.
    admin = new pg.Client({ connectionString: (await testPostgres()).url });
    await admin.connect();
  });

  afterAll(async () => {
    await service?.dropBus();
    await service?.close();
    await admin?.end();
    await db?.drop();
  });

  // pg_terminate_backend stays in the select list: in the WHERE clause the planner pushes it below the join with
  // pg_database and it runs for every backend on the (shared) server, whatever the datname filter says.
  const terminateAll = async () =>
    (
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [db.name],
      )
    ).rowCount ?? 0;

  it('keeps serving, loses no acknowledged write, and recovers its pools without a restart', async () => {
    const app = service.runtime.app;
    // A reactor on the same pool: its apply transactions are held connections too.
    const { consumer, effects } = await service.probeConsumer();
    const manager = await service.auth('rm-ana', ['release-manager']);
    const acknowledged: string[] = [];
    const refused: number[] = [];
    let stop = false;
    let n = 0;
    // Four clients sending commands back to back, as a CI fleet would, for the whole test.
    const workers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const res = await app.inject({
          method: 'POST',
          url: '/releases',
          headers: manager,
          payload: { name: `Fault ${n++}`, targetDate: '2027-01-15' },
        });
        if (res.statusCode === 201) acknowledged.push(res.json().id);
        else refused.push(res.statusCode);
      }
    });

    const terminated: number[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        const before = acknowledged.length;
        await waitFor('commands acknowledged', async () => acknowledged.length >= before + 20);
        terminated.push(await terminateAll());
      }
      // Serving again after the last round: new commands are acknowledged by the recovered pools.
      const afterLast = acknowledged.length;
      await waitFor('commands after the last termination', async () => acknowledged.length >= afterLast + 20);
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    // Each round really killed connections, held ones among them (the projections' and relay's sessions), and the
    // process lived through it: an unhandled 'error' event would have failed this test file.
    expect(terminated.every((count) => count > 0)).toBe(true);
    expect(service.logs.some((l) => l.connection === 'held')).toBe(true);
    // A request caught mid-statement may fail, but as an outage (503, retryable), never as a 500.
    expect(refused.filter((status) => status !== 503)).toEqual([]);

    // No acknowledged write lost: each is in the store, readable over HTTP, and relayed to the bus exactly once.
    const planned = await appendedSince(service.infra.store, 0n, { eventTypes: [ReleasePlanned.type] });
    const stored = new Set(planned.map((e) => e.streamId));
    expect(acknowledged.filter((id) => !stored.has(releaseStream(id)))).toEqual([]);
    const sample = acknowledged.at(-1)!;
    expect((await app.inject({ method: 'GET', url: `/releases/${sample}`, headers: manager })).statusCode).toBe(200);
    const jsm = await jetstreamManager(service.infra.nats);
    const { stream } = busStreamNames(prefix);
    await waitFor('every stored event on the bus', async () => {
      const info = await jsm.streams.info(stream);
      return info.state.messages === planned.length;
    });
    // The consumer applied each event once: a lost connection rolled its transaction back and the message came again.
    await waitFor('the consumer caught up', async () => (await effects()) === planned.length);
    expect(consumer.status().deadLettered).toBe(0);
    const ready = await waitFor('ready again', async () => {
      const res = await app.inject({ method: 'GET', url: '/health/ready' });
      return res.statusCode === 200 ? res : undefined;
    });
    expect(ready.json().status).toBe('ready');
  });
});
