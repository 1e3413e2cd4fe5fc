import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { busStreamNames } from '@railyard/contracts';
import { createPostgresEventStore, type EventStore } from '@railyard/eventstore';
import { signDevToken } from '@railyard/service-kit';
import {
  appendedSince,
  createTestDatabase,
  type TestDatabase,
  testInfra,
  testSubjectPrefix,
  waitFor,
} from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEASE_BOARDS } from '../releases/release-boards/projection.js';
import { RELEASE_LIST } from '../releases/release-list/projection.js';
import { type PlanningProcess, startPlanningProcess } from '../test-support/planning-process.js';

// Two replicas of planning as separate processes (the built main, as `npm start` runs it) on one database and one
// bus: both serve HTTP; the relay and the projections run on whichever holds their leases. The holder is killed
// with SIGKILL — no shutdown hook runs, its sessions just vanish — and the other must take over within 10 s with
// every event on NATS exactly once and every projection row right.

const SECRET = 'replica-test-secret-that-is-long-enough-for-hs256';
const ACTIVE = [
  ['relay active', { relay: 'planning-relay' }],
  ['projection active', { projection: RELEASE_LIST }],
  ['projection active', { projection: RELEASE_BOARDS }],
] as const;

let db: TestDatabase;
let nc: NatsConnection;
let pool: pg.Pool;
/** The store on the test's own pool, to read what the replicas appended (their schema, already applied). */
let store: EventStore;
let prefix: string;
const processes: PlanningProcess[] = [];

beforeAll(async () => {
  const infra = await testInfra();
  db = await createTestDatabase('replicas');
  prefix = testSubjectPrefix('replicas');
  nc = await connect({ servers: infra.natsUrl });
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  pool.on('error', () => {});
  store = createPostgresEventStore({ pool, applySchema: false });
});

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  if (nc) {
    const jsm = await jetstreamManager(nc);
    const names = busStreamNames(prefix);
    await jsm.streams.delete(names.stream).catch(() => {});
    await jsm.streams.delete(names.deadLetterStream).catch(() => {});
    await nc.close();
  }
  await store?.close();
  await pool?.end();
  await db?.drop();
});

function replica(name: string): PlanningProcess {
  const p = startPlanningProcess(name, {
    DATABASE_URL: db.url,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    SUBJECT_PREFIX: prefix,
    RAILYARD_AUTH_SECRET: SECRET,
    SEAL_INTERVAL_MS: '1000',
  });
  processes.push(p);
  return p;
}

/** Whether `p` logged every "active" line (relay and both projections) after `since`; the latest time if so. */
function activeAt(p: PlanningProcess, since = 0): number | undefined {
  const times = ACTIVE.map(([msg, match]) => p.loggedAt(msg, match, since));
  return times.every((t) => t !== undefined) ? Math.max(...(times as number[])) : undefined;
}

async function planReleases(base: string, authorization: string, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const res = await fetch(`${base}/releases`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name, targetDate: '2026-12-15' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

/** Every message on the test's own stream: how many, and how many distinct event ids (Nats-Msg-Id). */
async function busContents(): Promise<{ messages: number; ids: Set<string> }> {
  const jsm = await jetstreamManager(nc);
  const { stream } = busStreamNames(prefix);
  const messages = (await jsm.streams.info(stream)).state.messages;
  const consumer = await (await import('@nats-io/jetstream')).jetstream(nc).consumers.get(stream);
  const ids = new Set<string>();
  let read = 0;
  while (read < messages) {
    const batch = await consumer.fetch({ max_messages: messages - read, expires: 2000 });
    let got = 0;
    for await (const m of batch) {
      ids.add(m.headers?.get('Nats-Msg-Id') ?? '');
      got++;
    }
    if (got === 0) break;
    read += got;
  }
  return { messages, ids };
}

describe('two planning replicas', () => {
  it('both serve HTTP; kill -9 or terminated lease sessions of the holder hand its work to another within 10 s', async () => {
    const authorization = `Bearer ${await signDevToken({ sub: 'rm-1', roles: ['release-manager'], secret: SECRET })}`;
    const a = replica('a');
    const baseA = await a.url;
    await waitFor('replica a holds the leases', () => activeAt(a), { timeoutMs: 30_000 });
    const b = replica('b');
    const baseB = await b.url;
    await waitFor('replica b ready', async () => (await fetch(`${baseB}/health/ready`)).status === 200, {
      timeoutMs: 30_000,
    });
    expect(activeAt(b)).toBeUndefined(); // standby: b waits for a's leases

    // Both replicas accept commands.
    const beforeKill = [
      ...(await planReleases(baseA, authorization, ['a-1', 'a-2', 'a-3', 'a-4', 'a-5', 'a-6', 'a-7', 'a-8'])),
      ...(await planReleases(baseB, authorization, ['b-1', 'b-2', 'b-3', 'b-4', 'b-5', 'b-6', 'b-7', 'b-8'])),
    ];

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    // The survivor keeps accepting commands while it takes over: the store is the outbox.
    const duringFailover = await planReleases(baseB, authorization, ['c-1', 'c-2', 'c-3', 'c-4', 'c-5', 'c-6']);
    const tookOverAt = await waitFor('replica b takes over', () => activeAt(b, killedAt), { timeoutMs: 15_000 });
    const failoverMs = tookOverAt - killedAt;
    console.info(`[replicas] failover after kill -9: ${failoverMs} ms (relay and both projections active on b)`);
    expect(failoverMs).toBeLessThan(10_000);
    const afterTakeover = await planReleases(baseB, authorization, ['d-1', 'd-2', 'd-3', 'd-4']);

    // Every event in the store is on the bus exactly once.
    const all = [...beforeKill, ...duringFailover, ...afterTakeover];
    const stored = async () =>
      (await appendedSince(store, 0n, { categories: ['release', 'releaseTrain', 'riskPolicy'] })).map((e) => e.id);
    const storedIds = await stored();
    expect(storedIds.length).toBe(all.length); // one ReleasePlanned per command
    const bus = await waitFor(
      'every event on the bus',
      async () => {
        const contents = await busContents();
        return contents.messages >= storedIds.length ? contents : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(bus.messages).toBe(storedIds.length);
    expect(bus.ids).toEqual(new Set(storedIds));

    // Every projection row is right: one list row per release, planned with its name, on either replica's reads.
    await waitFor('release list complete', async () => {
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM planning.release_list');
      return rows[0].n === all.length;
    });
    const { rows } = await pool.query<{ release_id: string; name: string; status: string }>(
      'SELECT release_id, name, status FROM planning.release_list',
    );
    expect(rows.map((r) => r.release_id).sort()).toEqual([...all].sort());
    expect(rows.every((r) => r.status === 'draft')).toBe(true);
    expect(rows.map((r) => r.name).sort()).toEqual(
      [
        ...['a', 'b'].flatMap((p) => Array.from({ length: 8 }, (_, i) => `${p}-${i + 1}`)),
        ...Array.from({ length: 6 }, (_, i) => `c-${i + 1}`),
        ...Array.from({ length: 4 }, (_, i) => `d-${i + 1}`),
      ].sort(),
    );
    const list = await fetch(`${baseB}/releases?limit=200`, { headers: { authorization } });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(all.length);

    // Second fault: the holder's lease sessions are terminated by Postgres (pg_terminate_backend, as a database
    // failover or an operator does). The holder must live on, a standby must take over, and the old holder must
    // reconnect and compete again: killing the new holder hands everything back to it.
    const c = replica('c');
    const baseC = await c.url;
    await waitFor('replica c ready', async () => (await fetch(`${baseC}/health/ready`)).status === 200, {
      timeoutMs: 30_000,
    });
    const terminatedAt = Date.now();
    const { rows: terminated } = await pool.query<{ pid: number }>(
      `SELECT pg_terminate_backend(pid), pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 1
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(terminated.length).toBeGreaterThanOrEqual(3); // the relay's and both projections' leases
    // Each piece of work is active again, on c (the standby, which usually wins: b first waits out its retry delay)
    // or on b (reconnected); the failover time is when the last of them restarted.
    const resumedAt = await waitFor(
      'relay and projections active again',
      () => {
        const times = ACTIVE.map(([msg, match]) => {
          const onB = b.loggedAt(msg, match, terminatedAt);
          const onC = c.loggedAt(msg, match, terminatedAt);
          return onB === undefined ? onC : onC === undefined ? onB : Math.min(onB, onC);
        });
        return times.every((t) => t !== undefined) ? Math.max(...(times as number[])) : undefined;
      },
      { timeoutMs: 15_000 },
    );
    console.info(
      `[replicas] failover after pg_terminate_backend of the holder's leases: ${resumedAt - terminatedAt} ms`,
    );
    expect(resumedAt - terminatedAt).toBeLessThan(10_000);
    expect(b.child.exitCode).toBeNull();
    expect((await fetch(`${baseB}/health/live`)).status).toBe(200);
    const afterTerminate = await planReleases(baseB, authorization, ['e-1', 'e-2', 'e-3']);

    // b reconnected and competes again: once c is gone, b runs everything.
    const cKilledAt = Date.now();
    c.child.kill('SIGKILL');
    await c.exited;
    const bBackAt = await waitFor('replica b runs everything again', () => activeAt(b, terminatedAt), {
      timeoutMs: 15_000,
    });
    expect(bBackAt - cKilledAt).toBeLessThan(10_000);
    const last = await planReleases(baseB, authorization, ['f-1', 'f-2']);

    const everything = [...all, ...afterTerminate, ...last];
    const finalIds = await stored();
    expect(finalIds.length).toBe(everything.length);
    const finalBus = await waitFor(
      'every event on the bus after both faults',
      async () => {
        const contents = await busContents();
        return contents.messages >= finalIds.length ? contents : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(finalBus.messages).toBe(finalIds.length);
    expect(finalBus.ids).toEqual(new Set(finalIds));
    await waitFor('release list complete after both faults', async () => {
      const { rows: n } = await pool.query('SELECT count(*)::int AS n FROM planning.release_list');
      return n[0].n === everything.length;
    });
    const { rows: finalRows } = await pool.query<{ release_id: string }>(
      'SELECT release_id FROM planning.release_list',
    );
    expect(finalRows.map((r) => r.release_id).sort()).toEqual([...everything].sort());
  }, 180_000);
});
