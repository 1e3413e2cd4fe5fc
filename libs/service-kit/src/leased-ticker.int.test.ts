import { watchPoolErrors } from '@railyard/eventstore';
import { createTestDatabase, type TestDatabase, waitFor } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeasedTicker, startLeasedTicker } from './leased-ticker.js';
import { createLogger } from './logging.js';

const logger = createLogger({ name: 'leased-ticker-test', level: 'silent' });
let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase('leasedticker');
  pool = new pg.Pool({ connectionString: database.url, max: 10 });
  watchPoolErrors(pool, () => {});
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

const fast = { intervalMs: 10, pollMs: 20, heartbeatMs: 200, retryDelayMs: 20 } as const;

function counting(leaseName: string) {
  const seen = { passes: 0 };
  const ticker = startLeasedTicker({
    pool,
    leaseName,
    logger,
    ...fast,
    tick: async () => {
      seen.passes++;
    },
  });
  return { seen, ticker };
}

describe('startLeasedTicker', () => {
  it('ticks on the lease holder only, and the standby takes over when the holder stops', async () => {
    const a = counting('test:two-tickers');
    await waitFor('a holder', () => a.ticker.status().active);
    const b = counting('test:two-tickers');
    await waitFor('a few passes by the holder', () => a.seen.passes >= 3);
    expect(b.ticker.status()).toMatchObject({ active: false, running: true, ticks: 0 });
    expect(b.seen.passes).toBe(0);

    await a.ticker.stop();
    expect(a.ticker.status()).toMatchObject({ active: false, running: false });
    const stoppedAt = a.seen.passes;
    await waitFor('the standby ticking', () => b.seen.passes >= 3);
    expect(a.seen.passes).toBe(stoppedAt);
    await b.ticker.stop();
  });

  it('logs a throwing pass and tries again at the next interval', async () => {
    let calls = 0;
    const ticker = startLeasedTicker({
      pool,
      leaseName: 'test:throwing',
      logger,
      ...fast,
      tick: async () => {
        calls++;
        if (calls <= 2) throw new Error('pass failed on purpose');
        return calls;
      },
    });
    await waitFor('a pass after the failures', () => calls >= 3);
    expect(ticker.status().failures).toBe(2);
    expect(ticker.status().active).toBe(true);
    await ticker.stop();
  });

  it('after its lease session is terminated, releases it and acquires it again', async () => {
    const { seen, ticker } = counting('test:terminated');
    await waitFor('a holder', () => ticker.status().active && seen.passes > 0);
    const holders = async () =>
      (
        await pool.query<{ pid: number }>(
          `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
            AND l.objid::bigint = (hashtextextended('test:terminated', 0) & 4294967295)`,
        )
      ).rows.map((r) => r.pid);
    const [first] = await waitFor('the lease session', holders);
    await pool.query('SELECT pg_terminate_backend($1)', [first]);
    await waitFor('the lease on a fresh session', async () => {
      const pids = await holders();
      return pids.length === 1 && pids[0] !== first;
    });
    const before = seen.passes;
    await waitFor('passes again', () => seen.passes > before);
    await ticker.stop();
  });

  it('with intervalMs false runs only manual passes, and stop waits for the pass in flight', async () => {
    let release!: () => void;
    let finished = false;
    const manual: LeasedTicker<string> = startLeasedTicker({
      pool,
      leaseName: 'test:manual',
      logger,
      intervalMs: false,
      now: () => new Date('2026-01-01T00:00:00Z'),
      tick: async (at) => at.toISOString(),
    });
    expect(manual.status()).toMatchObject({ active: false, running: false, ticks: 0 });
    await expect(manual.tick()).resolves.toBe('2026-01-01T00:00:00.000Z');
    await manual.stop();

    const slow = startLeasedTicker({
      pool,
      leaseName: 'test:in-flight',
      logger,
      ...fast,
      tick: () =>
        new Promise<void>((resolve) => {
          release = () => {
            finished = true;
            resolve();
          };
        }),
    });
    await waitFor('a pass in flight', () => slow.status().ticks === 1);
    const stopping = slow.stop().then(() => finished);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await stopping).toBe(true);
    const { rows } = await pool.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid::bigint = (hashtextextended('test:in-flight', 0) & 4294967295)`,
    );
    expect(rows).toEqual([]);
  });
});
