import { createTestDatabase, type TestDatabase, tamperAsSuperuser } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, eventStoreContract, untilVisible } from '../test-support/contract.js';
import { sealLog, verifyLog } from './integrity.js';
import { createPostgresEventStore, type PostgresEventStore } from './postgres-store.js';

eventStoreContract('postgres', async () => {
  const db = await createTestDatabase('esContract');
  const store = createPostgresEventStore({ connectionString: db.url, pollIntervalMs: 20 });
  return {
    store,
    async dispose() {
      await store.close();
      await db.drop();
    },
  };
});

/** Seals until a seal covers `position` (sealing stops at what global readers can see yet). */
async function sealThrough(store: PostgresEventStore, position: bigint): Promise<void> {
  await untilVisible(store, position);
  const seal = await sealLog(store.pool);
  if (!seal || seal.toPosition < position) throw new Error(`seal did not reach ${position}`);
}

describe('postgres event store specifics', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let admin: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase('esPg');
    store = createPostgresEventStore({ connectionString: db.url, pollIntervalMs: 20 });
    await store.ready();
    admin = new pg.Pool({ connectionString: db.url, max: 4 });
    admin.on('error', () => {});
  });
  afterAll(async () => {
    await store.close();
    await admin.end();
    await db.drop();
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the events table, in the database itself', async () => {
    await store.append('imm-1', [ev('Made')], 'noStream');
    await expect(admin.query(`UPDATE eventstore.events SET type = 'Changed'`)).rejects.toThrow(/append-only: UPDATE/);
    await expect(admin.query(`DELETE FROM eventstore.events`)).rejects.toThrow(/append-only: DELETE/);
    await expect(admin.query(`TRUNCATE eventstore.events`)).rejects.toThrow(/append-only: TRUNCATE/);
    await expect(admin.query(`TRUNCATE eventstore.seals`)).rejects.toThrow(/append-only: TRUNCATE/);
    expect(await store.readStream('imm-1')).toHaveLength(1);
  });

  it('never lets a reader skip an event whose transaction commits after a later one was read', async () => {
    const cat = 'late';
    // A writer that starts first and commits last: it holds its transaction open while others commit.
    let lastFast = 0n;
    const slow = await admin.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`SELECT * FROM eventstore.append_events($1, -1, $2::jsonb)`, [
        `${cat}-slow`,
        JSON.stringify([ev('Slow', { who: 'slow' })]),
      ]);
      for (let i = 0; i < 5; i++) {
        lastFast = (await store.append(`${cat}-fast${i}`, [ev('Fast', { who: `fast${i}` })], 'noStream')).lastPosition;
      }
      // The fast events are committed, but a reader must not pass them while the slow one could still land
      // before them; it sees nothing yet rather than something with a hole.
      const seenEarly = await store.readAll({ filter: { categories: [cat] } });
      expect(seenEarly).toEqual([]);
      // … and says so: the committed fast events are held back, which lag gauges alone would not show.
      expect(await store.heldBack()).toBeGreaterThanOrEqual(5);
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    await untilVisible(store, lastFast);
    const all = await store.readAll({ filter: { categories: [cat] } });
    expect(all.map((e) => e.data.who)).toEqual(['slow', 'fast0', 'fast1', 'fast2', 'fast3', 'fast4']);
  });

  it('keeps a verifiable hash chain and names the first tampered position', async () => {
    await store.append('chain-a', [ev('One', { v: 1 }), ev('Two', { v: 2 })], 'noStream');
    const { lastPosition } = await store.append('chain-b', [ev('One', { v: 1 })], 'noStream');
    await sealThrough(store, lastPosition);
    await store.append('chain-a', [ev('Three', { v: 3 })], 1n);
    const clean = await verifyLog(store.pool);
    expect(clean).toMatchObject({ ok: true, unsealedEvents: 1 });
    expect(clean.sealsChecked).toBeGreaterThanOrEqual(1);

    const [target] = await store.readStream('chain-a', { from: 1n, limit: 1 });
    // Tampering as a superuser would. Replica mode no longer skips the triggers (they fire ALWAYS):
    await expect(
      (async () => {
        const c = await admin.connect();
        try {
          await c.query(`SET session_replication_role = replica`);
          await c.query(`UPDATE eventstore.events SET data = '{"v": 20}' WHERE id = $1`, [target!.id]);
        } finally {
          await c.query(`SET session_replication_role = origin`);
          c.release();
        }
      })(),
    ).rejects.toThrow(/append-only/);
    // … so the attacker has to switch them off, as only a superuser or the owner can.
    await tamperAsSuperuser(
      db.url,
      'eventstore.events',
      `UPDATE eventstore.events SET data = '{"v": 20}' WHERE id = $1`,
      [target!.id],
    );
    const report = await verifyLog(store.pool);
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ position: target!.position, streamId: 'chain-a', revision: 1n });
  });

  it('detects a deleted event through the seals and the stream revisions', async () => {
    const local = await createTestDatabase('esDel');
    const s = createPostgresEventStore({ connectionString: local.url });
    try {
      const { lastPosition } = await s.append('del-a', [ev('A'), ev('B'), ev('C')], 'noStream');
      await sealThrough(s, lastPosition);
      const [victim] = await s.readStream('del-a', { from: 2n });
      await tamperAsSuperuser(local.url, 'eventstore.events', 'DELETE FROM eventstore.events WHERE id = $1', [
        victim!.id,
      ]);
      const report = await verifyLog(s.pool);
      expect(report.ok).toBe(false);
      expect(report.firstProblem?.reason).toMatch(/sealed range held 3 events, now 2/);
    } finally {
      await s.close();
      await local.drop();
    }
  });
});
