import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import {
  type AllFilter,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  matchesFilter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  StreamIntegrityError,
  type SubscribeOptions,
  WrongExpectedRevisionError,
} from '../port.js';
import { type ConnectionErrorListener, warnConnectionError, watchPoolErrors } from './pool-errors.js';
import { schemaSql } from './schema.js';
import { type ScannedRead, StoreHead } from './store-head.js';
import { chainCheckedEvents } from './stream-chain.js';

export interface PostgresEventStoreOptions {
  connectionString?: string;
  /** Share a pool with the caller instead of opening one (the caller then closes it). */
  pool?: pg.Pool;
  schema?: string;
  /** How often a subscription polls when idle; appends through this instance wake it at once. */
  pollIntervalMs?: number;
  poolSize?: number;
  /**
   * Least time between two reads of the log by caught-up subscriptions (default 10 ms), so appends under load are
   * read, published and projected in batches. A lone append after a quiet spell is read at once.
   */
  coalesceMs?: number;
  /** Events the shared head keeps for caught-up subscriptions (default 5000); one further behind reads the log. */
  headCapacity?: number;
  /** Told when a connection of the store's own pool fails (default: a warning on stderr). */
  onConnectionError?: ConnectionErrorListener;
  /**
   * Apply the schema at start (default true). Forensic tools pass false: applying it re-arms the append-only
   * triggers, which would erase the very evidence `audit verify` looks for (a trigger disabled or not ALWAYS).
   */
  applySchema?: boolean;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]*$/;
const COLUMNS = `global_position, stream_id, stream_revision, id, type, data, metadata, created_at, encode(hash, 'hex') AS hash`;

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_revision: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: RecordedEvent['metadata'];
  created_at: Date;
  hash: string | null;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.stream_revision),
    position: BigInt(row.global_position),
    id: row.id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    createdAt: row.created_at,
    hash: row.hash,
  };
}

function expectedCode(expected: ExpectedRevision): bigint {
  if (expected === 'noStream') return -1n;
  if (expected === 'any') return -2n;
  if (expected === 'streamExists') return -3n;
  if (expected < 0n) throw new RangeError(`expected revision must be ≥ 0, got ${expected}`);
  return expected;
}

/** Serialises a schema change across processes: replicas starting together would race on CREATE. */
async function applySchema(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  // Held through several statements: a backend dying between them must reject the next one, not crash the process
  // (pg-pool listens only to idle clients). The failure itself reaches us through that rejection.
  const onLost = () => {};
  client.on('error', onLost);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`railyard:eventstore-schema:${schema}`]);
    await client.query(schemaSql(schema));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.off('error', onLost);
    client.release();
  }
}

/** Builds the WHERE fragment and parameters of a global read. */
function allQuery(schema: string, options: ReadAllOptions, columns = COLUMNS) {
  const params: unknown[] = [(options.after ?? 0n).toString()];
  const where = ['global_position > $1', 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())'];
  const filter = options.filter;
  if (filter?.categories) {
    params.push(filter.categories);
    where.push(`category = ANY($${params.length}::text[])`);
  }
  if (filter?.eventTypes) {
    params.push(filter.eventTypes);
    where.push(`type = ANY($${params.length}::text[])`);
  }
  let sql = `SELECT ${columns} FROM ${schema}.events WHERE ${where.join(' AND ')} ORDER BY global_position`;
  if (options.limit !== undefined) {
    params.push(options.limit);
    sql += ` LIMIT $${params.length}`;
  }
  return { sql, params };
}

/**
 * The Postgres-backed event store (the default). One table `<schema>.events`, appended through a stored
 * function in one round trip; see schema.ts for the ordering and tamper-evidence argument.
 */
export function createPostgresEventStore(options: PostgresEventStoreOptions): EventStore & {
  readonly pool: pg.Pool;
  readonly schema: string;
  ready(): Promise<void>;
  /**
   * Committed events that readers cannot see yet because an older transaction is still running somewhere on the
   * server (the xmin horizon). Lag gauges cannot show this: they count only what readers can see.
   */
  heldBack(): Promise<number>;
} {
  const schema = options.schema ?? 'eventstore';
  if (!SCHEMA_RE.test(schema)) throw new TypeError(`invalid schema name: ${schema}`);
  const ownsPool = !options.pool;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      application_name: 'railyard-eventstore',
    });
  // A client dropped by the server (restart, pg_terminate_backend, DROP DATABASE … FORCE) must not crash the
  // process, idle or checked out; the pool replaces it on next use. A shared pool is its owner's to watch.
  if (ownsPool) watchPoolErrors(pool, options.onConnectionError ?? warnConnectionError);
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  // 10 ms. Rates in `npm run bench` (d) cannot tell 3 from 10 or 15 on this noisy two-core machine, but CPU per
  // command can (`npm run profile:cpu`, PROFILE_COALESCE_MS, 2026-12-03, all processes, 16 in flight): 716 and 673 µs
  // at 3 ms, 638 and 646 at 10, 589 and 666 at 15, 599 at 40, 578 at 100 (background batches grow, statements per
  // command fall from 1.49 to 1.33). Command → read model p50 at half load stayed at 14–17 ms from 3 to 15 ms; 40 ms
  // broke its ≤ 25 ms. 10 takes most of the saving and costs a read model at most 10 ms more under load.
  const coalesceMs = options.coalesceMs ?? 10;
  // The append, a named prepared statement: each connection parses and plans it once instead of on every append.
  // Measured (`npm run profile:cpu`, 16 in flight, 2026-12-03, two runs each): Postgres CPU per append 237–239 →
  // 194–195 µs, the whole append 344 → 289–292 µs, 4,571–4,590 → 5,423–5,443 appends/s; POST /releases 834–839 →
  // 743–780 µs. Named per schema, hashed: two stores on one pool must not share a name, and Postgres cuts names at
  // 63 bytes.
  const appendStatement = {
    name: `railyard_append_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`,
    text: `SELECT next_revision, last_position FROM ${schema}.append_events($1, $2, $3::jsonb)`,
  };
  // A stream's read, the load of every command on an existing aggregate, is prepared too, one statement per shape
  // (from, direction, limit: a handful). Measured (10-event streams, 16 in flight, 2026-12-03): Postgres CPU per
  // read 119 → 72 µs, 8,030 → 11,585 reads/s. Its plan cannot go wrong generic: `stream_id = $1` is the unique
  // (stream_id, stream_revision) key whatever the value. The global reads stay unnamed: after five executions
  // Postgres may keep a generic plan, and one for `global_position > $1` cannot know whether $1 is near the head.
  const streamStatements = new Map<string, { name: string; text: string }>();
  const streamStatement = (text: string) => {
    let statement = streamStatements.get(text);
    if (!statement) {
      statement = { name: `railyard_stream_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`, text };
      streamStatements.set(text, statement);
    }
    return statement;
  };
  const ready = options.applySchema === false ? Promise.resolve() : applySchema(pool, schema);
  // Avoid an unhandled rejection before the first call awaits it; the error surfaces on that call.
  ready.catch(() => {});
  const wakers = new Set<() => void>();
  // Bumped on every local append, so a subscription that read while an append landed does not go to sleep.
  let appendSeq = 0;
  let closed = false;

  const wakeSubscribers = () => {
    appendSeq++;
    for (const wake of wakers) wake();
  };
  const appendListeners = new Set<() => void>();

  async function readAll(readOptions: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    await ready;
    const { sql, params } = allQuery(schema, readOptions);
    const { rows } = await pool.query<EventRow>(sql, params);
    return rows.map(toRecorded);
  }

  /**
   * A global read that also says through which position it saw everything: one statement, so the rows and the
   * horizon come from one snapshot (see ScannedRead).
   */
  async function readScanned(after: bigint, limit: number, filter: AllFilter | undefined): Promise<ScannedRead> {
    await ready;
    const { sql, params } = allQuery(schema, { after, limit, filter });
    const inner = sql.replace('pg_snapshot_xmin(pg_current_snapshot())', 'h.xmin');
    const { rows } = await pool.query<EventRow & { horizon: string; global_position: string | null }>(
      `WITH h AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
       SELECT h.xmin::text AS horizon, e.* FROM h LEFT JOIN LATERAL (${inner}) e ON true ORDER BY e.global_position`,
      params,
    );
    const events = rows.filter((row) => row.global_position !== null).map(toRecorded);
    if (events.length >= limit) return { events, scannedTo: events[events.length - 1]!.position };
    const horizon = (BigInt(rows[0]!.horizon) << 16n) - 1n;
    const last = events.at(-1)?.position ?? after;
    return { events, scannedTo: horizon > last ? horizon : last };
  }

  const head = new StoreHead(readScanned, () => appendSeq, {
    capacity: options.headCapacity ?? 5000,
    pageSize: 500,
    coalesceMs,
  });

  /**
   * The stream with each returned event's hash recomputed in the same query (one round trip; a sha256 per event
   * the caller folds anyway). The window covers the whole stream, so the first returned event is checked against
   * its real predecessor even when reading from a later revision.
   */
  async function readVerified(streamId: string, readOptions: ReadStreamOptions): Promise<RecordedEvent[]> {
    if (readOptions.direction === 'backwards') throw new RangeError('a verified read goes forwards');
    const params: unknown[] = [streamId, (readOptions.from ?? 0n).toString()];
    let sql = `${chainCheckedEvents(schema, 'e.stream_id = $1')}
      SELECT ${COLUMNS}, chain_problem FROM checked WHERE stream_revision >= $2 ORDER BY stream_revision`;
    if (readOptions.limit !== undefined) {
      params.push(readOptions.limit);
      sql += ` LIMIT $3`;
    }
    const { rows } = await pool.query<EventRow & { chain_problem: string | null }>(sql, params);
    const events = rows.map(toRecorded);
    const broken = rows.findIndex((row) => row.chain_problem !== null);
    if (broken >= 0) {
      const row = rows[broken]!;
      throw new StreamIntegrityError(
        streamId,
        BigInt(row.stream_revision),
        row.chain_problem as string,
        events.slice(0, broken),
      );
    }
    return events;
  }

  return {
    kind: 'postgres',
    pool,
    schema,
    ready: () => ready,

    async append(
      streamId: string,
      events: readonly EventToAppend[],
      expected: ExpectedRevision,
    ): Promise<AppendResult> {
      await ready;
      const payload = JSON.stringify(
        events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
      );
      try {
        const { rows } = await pool.query<{ next_revision: string; last_position: string }>({
          ...appendStatement,
          values: [streamId, expectedCode(expected).toString(), payload],
        });
        const row = rows[0]!;
        wakeSubscribers();
        for (const listener of appendListeners) {
          // The append is done: whatever a listener does wrong must not turn an acknowledged write into an error.
          try {
            listener();
          } catch {}
        }
        return { nextExpectedRevision: BigInt(row.next_revision), lastPosition: BigInt(row.last_position) };
      } catch (error) {
        const e = error as pg.DatabaseError;
        if (e.code === 'RY001') {
          const actual = e.detail === 'noStream' || !e.detail ? 'noStream' : BigInt(e.detail);
          throw new WrongExpectedRevisionError(streamId, expected, actual);
        }
        if (e.code === '23505' && (e.constraint === 'events_stream_revision_key' || e.constraint === 'events_id_key')) {
          // A concurrent writer appended between our read and insert: report what the stream is now. An event id
          // that is already stored is the same race: ids are fresh UUIDv7s unless an Idempotency-Key derived them
          // from (stream, actor, key), so a clash means a concurrent retry of this very command got there first.
          // Which of the two unique keys Postgres checks first is not ours to choose; both are a conflict.
          const { rows } = await pool.query<{ r: string | null }>(
            `SELECT max(stream_revision) AS r FROM ${schema}.events WHERE stream_id = $1`,
            [streamId],
          );
          const r = rows[0]?.r;
          throw new WrongExpectedRevisionError(
            streamId,
            expected,
            r === null || r === undefined ? 'noStream' : BigInt(r),
          );
        }
        throw error;
      }
    },

    async readStream(streamId: string, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      await ready;
      if (readOptions.verify) return readVerified(streamId, readOptions);
      const backwards = readOptions.direction === 'backwards';
      const params: unknown[] = [streamId];
      let sql = `SELECT ${COLUMNS} FROM ${schema}.events WHERE stream_id = $1`;
      if (readOptions.from !== undefined) {
        params.push(readOptions.from.toString());
        sql += backwards ? ` AND stream_revision <= $2` : ` AND stream_revision >= $2`;
      }
      sql += ` ORDER BY stream_revision ${backwards ? 'DESC' : 'ASC'}`;
      if (readOptions.limit !== undefined) {
        params.push(readOptions.limit);
        sql += ` LIMIT $${params.length}`;
      }
      const { rows } = await pool.query<EventRow>({ ...streamStatement(sql), values: params });
      return rows.map(toRecorded);
    },

    readAll,

    onAppended(listener: () => void) {
      appendListeners.add(listener);
      return () => appendListeners.delete(listener);
    },

    // Another process appended: as a local append would, make caught-up subscriptions read the head (still no
    // more often than the coalescing gap allows) instead of waiting for their poll.
    wake: () => {
      if (!closed) wakeSubscribers();
    },

    async *subscribe(subOptions: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
      const batchSize = subOptions.batchSize ?? 500;
      const signal = subOptions.signal;
      const filter = subOptions.filter;
      const matches = (e: RecordedEvent) => matchesFilter(e.streamId, e.type, filter);
      // Everything at or below `after` that this subscription will ever see has been yielded: it follows the
      // positions of the events it yields, and the xmin horizon when a read finds fewer than it asked for.
      let after = subOptions.after ?? 0n;
      // The poll interval passed with no local append: read even so (another process may have appended).
      let polled = false;
      while (!closed && !signal?.aborted) {
        const seqBefore = appendSeq;
        let shared = head.covers(after, filter);
        let page: ScannedRead;
        if (shared) {
          // The head is read again only when something was appended since its last read began, or on a poll
          // when nobody read it lately: one read per wake-up or poll, shared by every caught-up subscription. A
          // read in flight is awaited too: another subscription woken by the same append may have begun it
          // (readSeq already counts that append), and taking from the head before it lands would find nothing
          // and leave the event to the next poll.
          if (head.reading || head.readSeq !== appendSeq || (polled && head.msSinceRead() >= pollIntervalMs)) {
            await head.advance();
          }
          // Checked again after the await: meanwhile the head may have dropped events this subscription has not
          // had (trimmed to capacity, or restarted wider for another subscription). Taking from it then would
          // skip them; read the log instead.
          shared = head.covers(after, filter);
          page = shared ? head.take(after, batchSize, matches) : await readScanned(after, batchSize, filter);
        } else {
          const queriedAt = performance.now();
          page = await readScanned(after, batchSize, filter);
          if (page.events.length < batchSize) {
            // Caught up: from now on the shared head serves it.
            head.join(page.scannedTo, filter);
            // Under load every append would wake us for one event: keep a small gap so wake-ups coalesce.
            const sinceQuery = performance.now() - queriedAt;
            if (sinceQuery < coalesceMs) await delay(coalesceMs - sinceQuery);
          }
        }
        polled = false;
        for (const event of page.events) {
          if (signal?.aborted || closed) return;
          yield event;
          after = event.position;
        }
        if (page.scannedTo > after) after = page.scannedTo;
        if (page.events.length >= batchSize) continue;
        if (shared ? head.readSeq !== appendSeq : seqBefore !== appendSeq) continue;
        // Still nothing new locally: wait for a local append, the poll interval, or the end of the subscription.
        polled = await new Promise<boolean>((resolve) => {
          const done = (timedOut: boolean) => {
            clearTimeout(timer);
            wakers.delete(woken);
            signal?.removeEventListener('abort', woken);
            resolve(timedOut);
          };
          const woken = () => done(false);
          const timer = setTimeout(() => done(true), pollIntervalMs);
          wakers.add(woken);
          signal?.addEventListener('abort', woken, { once: true });
        });
      }
    },

    async headPosition(filter?: AllFilter): Promise<bigint> {
      await ready;
      const { sql, params } = allQuery(schema, { filter }, 'max(global_position) AS p');
      const { rows } = await pool.query<{ p: string | null }>(sql.replace(/ ORDER BY global_position$/, ''), params);
      return rows[0]?.p ? BigInt(rows[0].p) : 0n;
    },

    async countAfter(after: bigint, filter?: AllFilter, cap = 10_000): Promise<number> {
      await ready;
      const { sql, params } = allQuery(schema, { after, filter, limit: cap }, '1');
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS behind`, params);
      return rows[0]?.n ?? 0;
    },

    async ping() {
      await pool.query('SELECT 1');
    },

    async heldBack(): Promise<number> {
      await ready;
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())`,
      );
      return rows[0]?.n ?? 0;
    },

    async close() {
      closed = true;
      wakeSubscribers();
      // Give an in-flight subscription poll a moment to notice before the pool goes away.
      await delay(1);
      if (ownsPool) await pool.end();
    },
  };
}

export type PostgresEventStore = ReturnType<typeof createPostgresEventStore>;
