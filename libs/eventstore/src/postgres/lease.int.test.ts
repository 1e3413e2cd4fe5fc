import { createTestDatabase, type TestDatabase, waitFor } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLease, type Lease, runUnderLease } from './lease.js';

let db: TestDatabase;
let pool: pg.Pool;
let admin: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('lease');
  pool = new pg.Pool({ connectionString: db.url, max: 6 });
  // Idle clients die when this file terminates backends: expected here.
  pool.on('error', () => {});
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  await admin?.end();
  await db?.drop();
  await pool?.end().catch(() => {});
});

/** The backend holding the advisory lock `key`, from pg_locks (objid carries the low 32 bits of the key). */
async function holderPid(key: string): Promise<number | undefined> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT l.pid FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = (hashtextextended($1, 0) & x'ffffffffffffffff'::bigint)`,
    [key],
  );
  return rows[0]?.pid;
}

describe('lease (Postgres advisory lock on a dedicated session)', () => {
  it('is held by one session at a time; a standby gets it when the holder releases', async () => {
    const a = await acquireLease(pool, 'lease-test:one', { wait: false });
    expect(a).not.toBeNull();
    expect(await acquireLease(pool, 'lease-test:one', { wait: false })).toBeNull();

    const standby = acquireLease(pool, 'lease-test:one', { wait: true, pollMs: 20 });
    let taken = false;
    void standby.then(() => {
      taken = true;
    });
    // The standby keeps waiting while the holder is alive: it has polled several times and is still waiting.
    await waitFor('standby polled', async () => (await holderPid('lease-test:one')) !== undefined);
    expect(taken).toBe(false);

    await a!.release();
    const b = await standby;
    expect(b).not.toBeNull();
    expect(await holderPid('lease-test:one')).toBe((await b!.client.query('SELECT pg_backend_pid() AS p')).rows[0].p);
    await b!.release();
    expect(await holderPid('lease-test:one')).toBeUndefined();
  });

  it('a waiting acquisition stops when its signal aborts', async () => {
    const a = await acquireLease(pool, 'lease-test:abort', { wait: false });
    const ctl = new AbortController();
    const waiting = acquireLease(pool, 'lease-test:abort', { wait: true, pollMs: 20, signal: ctl.signal });
    ctl.abort();
    expect(await waiting).toBeNull();
    await a!.release();
  });

  it('survives its backend being terminated: `lost` aborts, the process lives, a standby takes over', async () => {
    const key = 'lease-test:terminate';
    const a = (await acquireLease(pool, key, { wait: false })) as Lease;
    const standby = acquireLease(pool, key, { wait: true, pollMs: 20 });
    const pid = await holderPid(key);
    expect(pid).toBeDefined();
    // Without the lease's error listener the idle checked-out client would emit an unhandled 'error' here and
    // vitest would fail the run with it.
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor('lease lost', () => a.lost.aborted);
    expect(String(a.lost.reason)).toMatch(/terminat/i);
    const b = await standby;
    expect(b).not.toBeNull();
    expect(await holderPid(key)).not.toBe(pid);
    await a.release(); // a lost lease's release only discards its broken session
    await b!.release();
  });

  it('counts a session that stops answering as lost, and discards it so statements waiting on it fail', async () => {
    const key = 'lease-test:unresponsive';
    const a = (await acquireLease(pool, key, { wait: false, heartbeatMs: 100 })) as Lease;
    // A statement that keeps the session busy stands in for a dead socket: the heartbeat queued behind it gets no
    // answer within its interval.
    const stuck = a.client.query('SELECT pg_sleep(1)').then(
      () => 'answered',
      (err: Error) => err.message,
    );
    await waitFor('lease lost', () => a.lost.aborted, { timeoutMs: 900 });
    expect(String(a.lost.reason)).toMatch(/did not answer within 100 ms/);
    expect(await stuck).toMatch(/Connection terminated/);
    // The discarded session takes its lock with it (once its backend notices, after the statement it is running).
    const b = await acquireLease(pool, key, { wait: true, pollMs: 20 });
    expect(b).not.toBeNull();
    await a.release();
    await b!.release();
  });

  it('runUnderLease re-acquires on a fresh session after the session dies, and stops on its signal', async () => {
    const key = 'lease-test:run';
    const ctl = new AbortController();
    const tenures: number[] = [];
    const errors: string[] = [];
    const running = runUnderLease(
      pool,
      key,
      { signal: ctl.signal, pollMs: 20, retryDelayMs: 20, onError: (err, phase) => errors.push(`${phase}: ${err}`) },
      async (lease) => {
        tenures.push((await lease.client.query('SELECT pg_backend_pid() AS p')).rows[0].p);
        await new Promise((resolve) => {
          lease.lost.addEventListener('abort', resolve);
          ctl.signal.addEventListener('abort', resolve);
        });
      },
    );
    await waitFor('first tenure', () => tenures.length === 1);
    await admin.query('SELECT pg_terminate_backend($1)', [tenures[0]]);
    await waitFor('second tenure', () => tenures.length === 2);
    expect(tenures[1]).not.toBe(tenures[0]);
    expect(await holderPid(key)).toBe(tenures[1]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^work: .*terminat/i);
    ctl.abort();
    await running;
    expect(await holderPid(key)).toBeUndefined();
  });
});
