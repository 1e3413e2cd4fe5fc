import type pg from 'pg';
import { pause, runUnderLease } from './lease.js';

export interface SealResult {
  sealNo: bigint;
  fromPosition: bigint;
  toPosition: bigint;
  eventCount: number;
}

export interface VerifyProblem {
  position: bigint;
  streamId?: string;
  revision?: bigint;
  sealNo?: bigint;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  eventsChecked: number;
  streamsChecked: number;
  sealsChecked: number;
  /** Events after the last seal: chained per stream but not yet covered by a seal. */
  unsealedEvents: number;
  /** The first break in position order, when there is one. */
  firstProblem?: VerifyProblem;
}

/**
 * Seals the next range of the global log (events after the last seal, in position order, that no running
 * transaction can still precede): a digest of their hashes chained to the previous seal. Returns null when
 * there is nothing new. Safe to run from several processes: an advisory lock makes one of them do it.
 */
export async function sealLog(pool: pg.Pool, schema = 'eventstore', maxEvents = 50_000): Promise<SealResult | null> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`railyard:sealer:${schema}`]);
    const { rows } = await client.query<{
      seal_no: string;
      from_position: string;
      to_position: string;
      event_count: number;
    }>(
      `WITH last AS (SELECT seal_no, to_position, seal_hash FROM ${schema}.seals ORDER BY seal_no DESC LIMIT 1),
       range AS (
         SELECT global_position, hash FROM ${schema}.events
          WHERE global_position > coalesce((SELECT to_position FROM last), 0)
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY global_position LIMIT $1),
       agg AS (
         SELECT min(global_position) AS f, max(global_position) AS t, count(*)::int AS c,
                sha256(string_agg(hash, ''::bytea ORDER BY global_position)) AS d FROM range)
       INSERT INTO ${schema}.seals (seal_no, from_position, to_position, event_count, events_digest, prev_seal_hash, seal_hash)
       SELECT coalesce((SELECT seal_no FROM last), 0) + 1, f, t, c, d, (SELECT seal_hash FROM last),
              sha256(coalesce((SELECT seal_hash FROM last), '\\x'::bytea)
                     || convert_to(concat_ws(chr(31), f::text, t::text, c::text), 'UTF8') || d)
         FROM agg WHERE c > 0
       RETURNING seal_no, from_position, to_position, event_count`,
      [maxEvents],
    );
    await client.query('COMMIT');
    const row = rows[0];
    if (!row) return null;
    return {
      sealNo: BigInt(row.seal_no),
      fromPosition: BigInt(row.from_position),
      toPosition: BigInt(row.to_position),
      eventCount: row.event_count,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Checks the whole log: every event's hash against its content and its stream predecessor, stream revisions
 * without holes, and every seal against the events of its range and the previous seal. Reports the first
 * problem in global position order.
 */
export async function verifyLog(pool: pg.Pool, schema = 'eventstore'): Promise<VerifyReport> {
  const events = await pool.query<{
    global_position: string;
    stream_id: string;
    stream_revision: string;
    reason: string;
  }>(
    `WITH chk AS (
       SELECT global_position, stream_id, stream_revision, hash,
              lag(stream_revision) OVER w AS prev_rev,
              ${schema}.event_hash(lag(hash) OVER w, stream_id, stream_revision, global_position, id, type, data,
                                   metadata, created_at) AS expected
         FROM ${schema}.events WINDOW w AS (PARTITION BY stream_id ORDER BY stream_revision))
     SELECT global_position, stream_id, stream_revision,
            CASE WHEN prev_rev IS NULL AND stream_revision <> 0 THEN 'stream does not start at revision 0'
                 WHEN prev_rev IS NOT NULL AND stream_revision <> prev_rev + 1
                   THEN 'revision ' || (prev_rev + 1) || ' of the stream is missing'
                 ELSE 'hash does not match the event''s content and its predecessor' END AS reason
       FROM chk
      WHERE expected <> hash
         OR (prev_rev IS NULL AND stream_revision <> 0)
         OR (prev_rev IS NOT NULL AND stream_revision <> prev_rev + 1)
      ORDER BY global_position LIMIT 1`,
  );
  const counts = await pool.query<{ n: string; s: string }>(
    `SELECT count(*) AS n, count(DISTINCT stream_id) AS s FROM ${schema}.events`,
  );
  const seals = await pool.query<{ seal_no: string; to_position: string; reason: string }>(
    `WITH s AS (
       SELECT seal_no, from_position, to_position, event_count, events_digest, prev_seal_hash, seal_hash,
              lag(seal_hash) OVER (ORDER BY seal_no) AS expected_prev,
              lag(to_position) OVER (ORDER BY seal_no) AS prev_to,
              lag(seal_no) OVER (ORDER BY seal_no) AS prev_no
         FROM ${schema}.seals),
     r AS (
       SELECT s.*, (SELECT count(*)::int FROM ${schema}.events e
                     WHERE e.global_position > coalesce(s.prev_to, 0) AND e.global_position <= s.to_position) AS actual_count,
              (SELECT sha256(string_agg(e.hash, ''::bytea ORDER BY e.global_position)) FROM ${schema}.events e
                WHERE e.global_position > coalesce(s.prev_to, 0) AND e.global_position <= s.to_position) AS actual_digest
         FROM s)
     SELECT seal_no, to_position,
            CASE WHEN seal_no <> coalesce(prev_no, 0) + 1 THEN 'seal ' || (coalesce(prev_no, 0) + 1) || ' is missing'
                 WHEN prev_seal_hash IS DISTINCT FROM expected_prev THEN 'seal does not chain to the previous seal'
                 WHEN actual_count <> event_count
                   THEN 'sealed range held ' || event_count || ' events, now ' || actual_count
                 WHEN actual_digest IS DISTINCT FROM events_digest THEN 'event hashes differ from the sealed digest'
                 ELSE 'seal hash does not match its content' END AS reason
       FROM r
      WHERE seal_no <> coalesce(prev_no, 0) + 1
         OR prev_seal_hash IS DISTINCT FROM expected_prev
         OR actual_count <> event_count
         OR actual_digest IS DISTINCT FROM events_digest
         OR seal_hash <> sha256(coalesce(prev_seal_hash, '\\x'::bytea)
                               || convert_to(concat_ws(chr(31), from_position::text, to_position::text,
                                                       event_count::text), 'UTF8') || events_digest)
      ORDER BY seal_no LIMIT 1`,
  );
  const sealStats = await pool.query<{ n: string; last_to: string | null }>(
    `SELECT count(*) AS n, max(to_position) AS last_to FROM ${schema}.seals`,
  );
  const lastTo = sealStats.rows[0]?.last_to ?? '0';
  const unsealed = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${schema}.events WHERE global_position > $1`,
    [lastTo],
  );

  const problems: VerifyProblem[] = [];
  const ev = events.rows[0];
  if (ev) {
    problems.push({
      position: BigInt(ev.global_position),
      streamId: ev.stream_id,
      revision: BigInt(ev.stream_revision),
      reason: ev.reason,
    });
  }
  const seal = seals.rows[0];
  if (seal) {
    // A seal's problem is located at the end of its range (the first position it vouches for is not known
    // when events were removed), unless an event-level problem comes earlier.
    problems.push({ position: BigInt(seal.to_position), sealNo: BigInt(seal.seal_no), reason: seal.reason });
  }
  problems.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  return {
    ok: problems.length === 0,
    eventsChecked: Number(counts.rows[0]?.n ?? 0),
    streamsChecked: Number(counts.rows[0]?.s ?? 0),
    sealsChecked: Number(sealStats.rows[0]?.n ?? 0),
    unsealedEvents: Number(unsealed.rows[0]?.n ?? 0),
    firstProblem: problems[0],
  };
}

/** A running sealer: `active` while it holds the sealer's lease (one per store schema across all processes). */
export interface Sealer {
  isActive(): boolean;
  stop(): Promise<void>;
}

/**
 * Seals the log every `intervalMs` until stopped, single-active: every service replica may start one, but only the
 * holder of the lease `railyard.sealer:<schema>` seals; the others wait as standbys (retrying every `intervalMs`,
 * sealing is not urgent) and one takes over when the holder stops, dies or loses its session. sealLog's own
 * transaction lock still serialises a manual `railyard audit seal` with the active sealer.
 */
export function startSealer(
  pool: pg.Pool,
  options: { schema?: string; intervalMs?: number; onError?: (error: unknown) => void } = {},
): Sealer {
  const schema = options.schema ?? 'eventstore';
  const intervalMs = options.intervalMs ?? 5000;
  const stopCtl = new AbortController();
  let active = false;
  const running = runUnderLease(
    pool,
    `railyard.sealer:${schema}`,
    {
      signal: stopCtl.signal,
      pollMs: intervalMs,
      retryDelayMs: intervalMs,
      onError: (error) => options.onError?.(error),
    },
    async (lease) => {
      active = true;
      try {
        const tenure = AbortSignal.any([stopCtl.signal, lease.lost]);
        while (!tenure.aborted) {
          try {
            await sealLog(pool, schema);
          } catch (error) {
            // A failed seal (the database briefly gone) is retried at the next tick: seals are idempotent.
            options.onError?.(error);
          }
          await pause(intervalMs, tenure);
        }
      } finally {
        active = false;
      }
    },
  );
  return {
    isActive: () => active,
    async stop() {
      stopCtl.abort();
      await running;
    },
  };
}
