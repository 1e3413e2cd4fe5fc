import type pg from 'pg';
import { pause, runUnderLease } from './lease.js';
import { chainCheckedEvents } from './stream-chain.js';

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
  /** When the oldest unsealed event was recorded: how far behind the sealer is. */
  oldestUnsealedAt?: Date;
  /** When the last seal was made. */
  lastSealedAt?: Date;
  /** The append-only triggers that are missing, changed or not ENABLE ALWAYS (empty when all guard the log). */
  guardProblems: string[];
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
    `${chainCheckedEvents(schema)}
     SELECT global_position, stream_id, stream_revision, chain_problem AS reason
       FROM checked WHERE chain_problem IS NOT NULL
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
                WHERE e.global_position > coalesce(s.prev_to, 0) AND e.global_position <= s.to_position) AS actual_digest,
              (SELECT min(e.global_position) FROM ${schema}.events e
                WHERE e.global_position > coalesce(s.prev_to, 0)) AS actual_first
         FROM s)
     SELECT seal_no, to_position,
            CASE WHEN seal_no <> coalesce(prev_no, 0) + 1 THEN 'seal ' || (coalesce(prev_no, 0) + 1) || ' is missing'
                 WHEN prev_seal_hash IS DISTINCT FROM expected_prev THEN 'seal does not chain to the previous seal'
                 WHEN from_position <= coalesce(prev_to, 0) OR to_position < from_position
                   THEN 'seal range ' || from_position || '..' || to_position || ' is not continuous with the previous seal, which ends at ' || coalesce(prev_to, 0)
                 WHEN actual_first IS DISTINCT FROM from_position
                   THEN 'seal range starts at ' || from_position || ' but the first event after the previous seal is at ' || coalesce(actual_first::text, 'none')
                 WHEN actual_count <> event_count
                   THEN 'sealed range held ' || event_count || ' events, now ' || actual_count
                 WHEN actual_digest IS DISTINCT FROM events_digest THEN 'event hashes differ from the sealed digest'
                 ELSE 'seal hash does not match its content' END AS reason
       FROM r
      WHERE seal_no <> coalesce(prev_no, 0) + 1
         OR prev_seal_hash IS DISTINCT FROM expected_prev
         OR from_position <= coalesce(prev_to, 0) OR to_position < from_position
         OR actual_first IS DISTINCT FROM from_position
         OR actual_count <> event_count
         OR actual_digest IS DISTINCT FROM events_digest
         OR seal_hash <> sha256(coalesce(prev_seal_hash, '\\x'::bytea)
                               || convert_to(concat_ws(chr(31), from_position::text, to_position::text,
                                                       event_count::text), 'UTF8') || events_digest)
      ORDER BY seal_no LIMIT 1`,
  );
  const sealStats = await pool.query<{ n: string; last_to: string | null; last_at: Date | null }>(
    `SELECT count(*) AS n, max(to_position) AS last_to, max(sealed_at) AS last_at FROM ${schema}.seals`,
  );
  const lastTo = sealStats.rows[0]?.last_to ?? '0';
  const unsealed = await pool.query<{ n: string; oldest: Date | null }>(
    `SELECT count(*) AS n, min(created_at) AS oldest FROM ${schema}.events WHERE global_position > $1`,
    [lastTo],
  );
  const guardProblems = await checkGuards(pool, schema);

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
    ok: problems.length === 0 && guardProblems.length === 0,
    guardProblems,
    eventsChecked: Number(counts.rows[0]?.n ?? 0),
    streamsChecked: Number(counts.rows[0]?.s ?? 0),
    sealsChecked: Number(sealStats.rows[0]?.n ?? 0),
    unsealedEvents: Number(unsealed.rows[0]?.n ?? 0),
    oldestUnsealedAt: unsealed.rows[0]?.oldest ?? undefined,
    lastSealedAt: sealStats.rows[0]?.last_at ?? undefined,
    firstProblem: problems[0],
  };
}

/** pg_trigger.tgtype bits (see pg_trigger.h): what each guard must fire on. */
const TRIGGER_ROW = 1;
const TRIGGER_BEFORE = 2;
const TRIGGER_DELETE = 8;
const TRIGGER_UPDATE = 16;
const TRIGGER_TRUNCATE = 32;

/** The triggers that make the log append-only (schema.ts), and the events each must refuse. */
const GUARDS = [
  {
    table: 'events',
    trigger: 'events_append_only',
    fires: TRIGGER_ROW | TRIGGER_BEFORE | TRIGGER_UPDATE | TRIGGER_DELETE,
  },
  { table: 'events', trigger: 'events_no_truncate', fires: TRIGGER_BEFORE | TRIGGER_TRUNCATE },
  {
    table: 'seals',
    trigger: 'seals_append_only',
    fires: TRIGGER_ROW | TRIGGER_BEFORE | TRIGGER_UPDATE | TRIGGER_DELETE,
  },
  { table: 'seals', trigger: 'seals_no_truncate', fires: TRIGGER_BEFORE | TRIGGER_TRUNCATE },
] as const;

/**
 * Checks the guards, not only what they guard: every append-only trigger present, calling refuse_change, firing
 * on what it must refuse, and enabled ALWAYS ('A'). The hashes show tampering after the fact; a trigger left
 * disabled, or re-enabled with plain ENABLE (mode 'O', skipped under session_replication_role = replica),
 * is the open door before it, and nothing else would report it.
 */
async function checkGuards(pool: pg.Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ relname: string; tgname: string; tgenabled: string; tgtype: number; fn: string }>(
    `SELECT c.relname, t.tgname, t.tgenabled, t.tgtype::int AS tgtype, pn.nspname || '.' || p.proname || '()' AS fn
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc p ON p.oid = t.tgfoid
       JOIN pg_namespace pn ON pn.oid = p.pronamespace
      WHERE n.nspname = $1 AND NOT t.tgisinternal`,
    [schema],
  );
  const modes: Record<string, string> = { O: 'ENABLE (origin only)', R: 'ENABLE REPLICA', D: 'DISABLED' };
  const problems: string[] = [];
  for (const guard of GUARDS) {
    const found = rows.find((r) => r.relname === guard.table && r.tgname === guard.trigger);
    const name = `trigger ${guard.trigger} on ${schema}.${guard.table}`;
    if (!found) problems.push(`${name} is missing`);
    else if (found.fn !== `${schema}.refuse_change()`)
      problems.push(`${name} calls ${found.fn}, not ${schema}.refuse_change()`);
    else if ((found.tgtype & guard.fires) !== guard.fires)
      problems.push(`${name} no longer fires on everything it must refuse`);
    else if (found.tgenabled !== 'A')
      problems.push(`${name} is ${modes[found.tgenabled] ?? found.tgenabled}, not ENABLE ALWAYS`);
  }
  return problems;
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
