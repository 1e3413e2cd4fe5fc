import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Op } from './measure.js';
import { sampleEvent } from './sample-events.js';

// The baseline table: the same row an event is (ids, stream, type, two jsonb documents, time), with only a primary
// key — what "just INSERT it" costs on this machine, to set the store's figures against.
const SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS bench_raw;
CREATE TABLE IF NOT EXISTS bench_raw.rows (
  id         uuid PRIMARY KEY,
  stream_id  text NOT NULL,
  type       text NOT NULL,
  data       jsonb NOT NULL,
  metadata   jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`;

const COLUMNS = 5;
const INSERT_ONE = 'INSERT INTO bench_raw.rows (id, stream_id, type, data, metadata) VALUES ($1, $2, $3, $4, $5)';

function insertMany(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => {
    const base = r * COLUMNS;
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5})`;
  });
  return `INSERT INTO bench_raw.rows (id, stream_id, type, data, metadata) VALUES ${tuples.join(', ')}`;
}

function rowParams(stream: string): unknown[] {
  const e = sampleEvent();
  return [e.id, stream, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)];
}

/** Raw INSERTs over plain pg connections, autocommit: the baselines (1)–(3). */
export interface RawPostgres {
  /** One row per commit on connection `worker`. */
  insertOne: Op;
  /** One `rows`-row INSERT per commit on connection `worker`. */
  insertBatch(rows: number): Op;
  close(): Promise<void>;
}

/** Opens `connections` dedicated connections (one per worker) and creates the baseline table. */
export async function openRawPostgres(databaseUrl: string, connections: number): Promise<RawPostgres> {
  const clients = Array.from(
    { length: connections },
    () => new pg.Client({ connectionString: databaseUrl, application_name: 'railyard-bench-raw' }),
  );
  await Promise.all(clients.map((c) => c.connect()));
  await clients[0]!.query(SCHEMA_SQL);
  const client = (worker: number) => clients[worker % clients.length]!;
  return {
    insertOne: async (worker) => {
      await client(worker).query(INSERT_ONE, rowParams(`benchWrite-${randomUUID()}`));
      return 1;
    },
    insertBatch(rows) {
      const sql = insertMany(rows);
      return async (worker) => {
        const stream = `benchWrite-${randomUUID()}`;
        await client(worker).query(sql, Array.from({ length: rows }, () => rowParams(stream)).flat());
        return rows;
      };
    },
    async close() {
      await Promise.all(clients.map((c) => c.end()));
    },
  };
}
