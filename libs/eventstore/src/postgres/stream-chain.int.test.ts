import { createTestDatabase, type TestDatabase, tamperAsSuperuser } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAggregate } from '../command-handler.js';
import { StreamIntegrityError } from '../port.js';
import { ev, untilVisible } from '../test-support/contract.js';
import { sealLog, verifyLog } from './integrity.js';
import { createPostgresEventStore, type PostgresEventStore } from './postgres-store.js';
import { checkStreamChains } from './stream-chain.js';

// The one per-stream chain check, as the services' folds, the CLI and the audit use it: each file gets its own
// database, since tampering switches triggers off there.
let db: TestDatabase;
let store: PostgresEventStore;
let admin: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('esChain');
  store = createPostgresEventStore({ connectionString: db.url });
  await store.ready();
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
  admin.on('error', () => {});
});
afterAll(async () => {
  await store?.close();
  await admin?.end();
  await db?.drop();
});

const forge = (id: string, data: string) =>
  tamperAsSuperuser(db.url, 'eventstore.events', `UPDATE eventstore.events SET data = $2::jsonb WHERE id = $1`, [
    id,
    data,
  ]);

const counter = {
  initialState: 0,
  evolve: (n: number, e: { type: string; data: unknown }) => n + ((e.data as { v?: number }).v ?? 0),
};

describe('verified stream reads', () => {
  it('returns an intact stream as stored, from the start or from a later revision', async () => {
    await store.append('okay-1', [ev('A', { v: 1 }), ev('B', { v: 2 }), ev('C', { v: 3 })], 'noStream');
    expect((await store.readStream('okay-1', { verify: true })).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    expect((await store.readStream('okay-1', { verify: true, from: 1n, limit: 1 })).map((e) => e.type)).toEqual(['B']);
  });

  it('throws at the first tampered revision, with the events before it, and the fold refuses it', async () => {
    await store.append('forged-1', [ev('A', { v: 1 }), ev('B', { v: 2 }), ev('C', { v: 3 })], 'noStream');
    const [, second] = await store.readStream('forged-1');
    await forge(second!.id, '{"v": 2000}');
    // An unverified read shows the forged value: exactly what must never reach a user unchecked.
    expect((await store.readStream('forged-1'))[1]?.data).toEqual({ v: 2000 });

    const error = await store.readStream('forged-1', { verify: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamIntegrityError);
    const broken = error as StreamIntegrityError;
    expect(broken.revision).toBe(1n);
    expect(broken.reason).toBe("hash does not match the event's content and its predecessor");
    expect(broken.soundEvents.map((e) => e.type)).toEqual(['A']);
    await expect(loadAggregate(store, counter, {}, 'forged-1')).rejects.toBeInstanceOf(StreamIntegrityError);
    // Each hash chains to its predecessor's stored hash, which the forger left alone: a read from revision 2 on
    // holds only events that still verify, and is served.
    expect((await store.readStream('forged-1', { verify: true, from: 2n })).map((e) => e.type)).toEqual(['C']);
  });

  it('names a removed revision', async () => {
    await store.append('holed-1', [ev('A'), ev('B'), ev('C')], 'noStream');
    const [, second] = await store.readStream('holed-1');
    await tamperAsSuperuser(db.url, 'eventstore.events', 'DELETE FROM eventstore.events WHERE id = $1', [second!.id]);
    const error = (await store
      .readStream('holed-1', { verify: true })
      .catch((e: unknown) => e)) as StreamIntegrityError;
    expect(error.revision).toBe(2n);
    expect(error.reason).toBe('revision 1 of the stream is missing');
  });

  it('checks several streams up to a revision each (export)', async () => {
    await store.append('later-1', [ev('A'), ev('B'), ev('C')], 'noStream');
    const [, , third] = await store.readStream('later-1');
    await forge(third!.id, '{"x": 1}');
    const checks = await checkStreamChains(
      store.pool,
      store.schema,
      new Map([
        ['okay-1', 2n],
        ['later-1', 1n],
        ['forged-1', 2n],
      ]),
    );
    expect(checks.get('okay-1')).toEqual({ intact: true });
    // A prefix verifies on its own: the break after revision 1 is not part of what was asked.
    expect(checks.get('later-1')).toEqual({ intact: true });
    expect(checks.get('forged-1')).toMatchObject({ intact: false, problem: { revision: '1' } });
  });
});

describe('the guards and the seals', () => {
  it('reports append-only triggers that are not ENABLE ALWAYS, or missing', async () => {
    const local = await createTestDatabase('esGuards');
    const s = createPostgresEventStore({ connectionString: local.url });
    const c = new pg.Client({ connectionString: local.url });
    await c.connect();
    try {
      await s.ready();
      expect((await verifyLog(s.pool)).guardProblems).toEqual([]);
      // The usual "re-enable": it leaves the triggers in mode O, skipped under session_replication_role = replica.
      await c.query('ALTER TABLE eventstore.events DISABLE TRIGGER ALL');
      await c.query('ALTER TABLE eventstore.events ENABLE TRIGGER ALL');
      await c.query('DROP TRIGGER seals_no_truncate ON eventstore.seals');
      const report = await verifyLog(s.pool);
      expect(report.ok).toBe(false);
      expect(report.guardProblems).toEqual([
        'trigger events_append_only on eventstore.events is ENABLE (origin only), not ENABLE ALWAYS',
        'trigger events_no_truncate on eventstore.events is ENABLE (origin only), not ENABLE ALWAYS',
        'trigger seals_no_truncate on eventstore.seals is missing',
      ]);
    } finally {
      await c.end();
      await s.close();
      await local.drop();
    }
  });

  it('finds a seal whose range skips events, even when it chains and hashes correctly', async () => {
    const local = await createTestDatabase('esSealGap');
    const s = createPostgresEventStore({ connectionString: local.url });
    try {
      await s.append('gap-1', [ev('A')], 'noStream');
      const { lastPosition } = await s.append('gap-2', [ev('B'), ev('C')], 'noStream');
      await untilVisible(s, lastPosition);
      const [a] = await s.readStream('gap-1');
      const first = await sealLog(s.pool, 'eventstore', 1);
      expect(first?.toPosition).toBe(a!.position);
      // A forged seal 2 over only the last event: well chained and hashed, but gap-2's first event is left out.
      await s.pool.query(
        `WITH last AS (SELECT seal_hash FROM eventstore.seals WHERE seal_no = 1),
              r AS (SELECT $1::bigint AS f, $1::bigint AS t, 1 AS c,
                           sha256((SELECT hash FROM eventstore.events WHERE global_position = $1)) AS d)
         INSERT INTO eventstore.seals (seal_no, from_position, to_position, event_count, events_digest, prev_seal_hash, seal_hash)
         SELECT 2, f, t, c, d, (SELECT seal_hash FROM last),
                sha256((SELECT seal_hash FROM last) || convert_to(concat_ws(chr(31), f::text, t::text, c::text), 'UTF8') || d)
           FROM r`,
        [lastPosition.toString()],
      );
      const report = await verifyLog(s.pool);
      expect(report.firstProblem).toMatchObject({ sealNo: 2n });
      expect(report.firstProblem?.reason).toMatch(
        /^seal range starts at \d+ but the first event after the previous seal is at \d+$/,
      );
    } finally {
      await s.close();
      await local.drop();
    }
  });

  it('says how far behind the sealer is', async () => {
    const report = await verifyLog(store.pool);
    expect(report.unsealedEvents).toBeGreaterThan(0);
    expect(report.oldestUnsealedAt).toBeInstanceOf(Date);
    expect(report.lastSealedAt).toBeUndefined();
  });
});
