import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase, waitFor } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sealer, startSealer, verifyLog } from './integrity.js';
import { createPostgresEventStore, type PostgresEventStore } from './postgres-store.js';

let db: TestDatabase;
let store: PostgresEventStore;
let admin: pg.Pool;
// One pool per sealer, as two processes would have.
const pools: pg.Pool[] = [];

beforeAll(async () => {
  db = await createTestDatabase('sealer');
  store = createPostgresEventStore({ connectionString: db.url, pollIntervalMs: 20 });
  await store.ready();
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
  for (let i = 0; i < 2; i++) {
    const pool = new pg.Pool({ connectionString: db.url, max: 3 });
    pool.on('error', () => {}); // idle clients die when this file terminates backends
    pools.push(pool);
  }
});

afterAll(async () => {
  await store?.close();
  await admin?.end();
  await db?.drop();
  for (const pool of pools) await pool.end().catch(() => {});
});

async function appendSome(n: number): Promise<bigint> {
  let last = 0n;
  for (let i = 0; i < n; i++) {
    const event = {
      id: randomUUID(),
      type: 'ReleaseNoted',
      data: { i },
      metadata: {
        occurredAt: new Date().toISOString(),
        actor: { id: 'sealer-test', kind: 'user' as const, roles: ['admin'] },
        correlationId: randomUUID(),
        causationId: randomUUID(),
        schemaVersion: 1,
      },
    };
    last = (await store.append(`release-${randomUUID()}`, [event], 'noStream')).lastPosition;
  }
  return last;
}

const sealedThrough = async () =>
  BigInt((await admin.query('SELECT coalesce(max(to_position), 0) AS p FROM eventstore.seals')).rows[0].p);

const sealerLeaseHolders = async () =>
  (
    await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    )
  ).rows.map((r) => r.pid);

describe('sealer', () => {
  it('runs single-active across processes and survives its lease session being terminated', async () => {
    const errors: unknown[] = [];
    const sealers: Sealer[] = pools.map((pool) =>
      startSealer(pool, { intervalMs: 50, onError: (e) => errors.push(e) }),
    );
    try {
      const first = await appendSome(5);
      await waitFor('first events sealed', async () => (await sealedThrough()) >= first);
      await waitFor('one sealer active', () => sealers.filter((s) => s.isActive()).length === 1);
      const holders = await sealerLeaseHolders();
      expect(holders).toHaveLength(1);

      await admin.query('SELECT pg_terminate_backend($1)', [holders[0]]);
      await waitFor('lease held on another session', async () => {
        const now = await sealerLeaseHolders();
        return now.length === 1 && now[0] !== holders[0];
      });
      const second = await appendSome(3);
      await waitFor('later events sealed', async () => (await sealedThrough()) >= second);
      expect(sealers.filter((s) => s.isActive())).toHaveLength(1);
      expect(errors.some((e) => /terminat/i.test(String(e)))).toBe(true);
      expect(await verifyLog(store.pool)).toMatchObject({ ok: true, unsealedEvents: 0 });
    } finally {
      await Promise.all(sealers.map((s) => s.stop()));
    }
    expect(sealers.some((s) => s.isActive())).toBe(false);
    expect(await sealerLeaseHolders()).toEqual([]);
  });
});
