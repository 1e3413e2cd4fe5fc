import type pg from 'pg';

/**
 * The one per-stream chain check of the Postgres store (DESIGN §4): each event's hash recomputed by the store's own
 * `event_hash` from its content and its stream predecessor's stored hash, and the stream's revisions checked for
 * holes. `verifyLog` (the whole log), `checkStreamChains` (export) and the verified `readStream` (every fold the
 * services and the CLI make) all select from this one definition, so what "intact" means cannot drift between them.
 *
 * Yields the relation `checked`: every column of the events in scope, plus `chain_problem` (null when the event is
 * sound). `scope` is a WHERE condition on the events table, aliased `e` (empty: the whole log).
 */
export function chainCheckedEvents(schema: string, scope = ''): string {
  return `WITH chk AS (
       SELECT e.*, lag(e.stream_revision) OVER w AS prev_rev,
              ${schema}.event_hash(lag(e.hash) OVER w, e.stream_id, e.stream_revision, e.global_position, e.id, e.type,
                                   e.data, e.metadata, e.created_at) AS expected_hash
         FROM ${schema}.events e ${scope ? `WHERE ${scope}` : ''}
       WINDOW w AS (PARTITION BY e.stream_id ORDER BY e.stream_revision)),
     checked AS (
       SELECT chk.*,
              CASE WHEN prev_rev IS NULL AND stream_revision <> 0 THEN 'stream does not start at revision 0'
                   WHEN prev_rev IS NOT NULL AND stream_revision <> prev_rev + 1
                     THEN 'revision ' || (prev_rev + 1) || ' of the stream is missing'
                   WHEN expected_hash <> hash THEN 'hash does not match the event''s content and its predecessor'
              END AS chain_problem
         FROM chk)`;
}

export interface StreamChainCheck {
  /** Every event up to the revision asked for matches its recomputed hash, with no revision missing. */
  intact: boolean;
  /** The first break at or below that revision. */
  problem?: { revision: string; reason: string };
}

/**
 * Re-checks the hash chain of the given streams, each up to a revision (a break after it does not count: a
 * prefix of a chain is verifiable on its own).
 */
export async function checkStreamChains(
  pool: pg.Pool,
  schema: string,
  upTo: ReadonlyMap<string, bigint>,
): Promise<Map<string, StreamChainCheck>> {
  const { rows } = await pool.query<{ stream_id: string; stream_revision: string; chain_problem: string }>(
    `${chainCheckedEvents(schema, 'e.stream_id = ANY($1::text[])')}
     SELECT DISTINCT ON (stream_id) stream_id, stream_revision::text, chain_problem
       FROM checked WHERE chain_problem IS NOT NULL
      ORDER BY stream_id, stream_revision`,
    [[...upTo.keys()]],
  );
  const firstBreak = new Map(rows.map((row) => [row.stream_id, row]));
  const checks = new Map<string, StreamChainCheck>();
  for (const [streamId, revision] of upTo) {
    const broken = firstBreak.get(streamId);
    checks.set(
      streamId,
      broken && BigInt(broken.stream_revision) <= revision
        ? { intact: false, problem: { revision: broken.stream_revision, reason: broken.chain_problem } }
        : { intact: true },
    );
  }
  return checks;
}
