import type pg from 'pg';

export interface StreamChainCheck {
  /** Every event up to the revision asked for matches its recomputed hash, with no revision missing. */
  intact: boolean;
  /** The first break at or below that revision. */
  problem?: { revision: string; reason: string };
}

/**
 * Re-checks the hash chain of the given streams, each up to a revision, in the Postgres store: every event's hash
 * recomputed by the store's own `event_hash` function from its content and its predecessor's hash (the same check
 * as `verifyLog`, limited to these streams).
 */
export async function checkStreamChains(
  pool: pg.Pool,
  schema: string,
  upTo: ReadonlyMap<string, bigint>,
): Promise<Map<string, StreamChainCheck>> {
  const { rows } = await pool.query<{ stream_id: string; stream_revision: string; reason: string }>(
    `WITH chk AS (
       SELECT stream_id, stream_revision, hash,
              lag(stream_revision) OVER w AS prev_rev,
              ${schema}.event_hash(lag(hash) OVER w, stream_id, stream_revision, global_position, id, type, data,
                                   metadata, created_at) AS expected
         FROM ${schema}.events WHERE stream_id = ANY($1::text[])
       WINDOW w AS (PARTITION BY stream_id ORDER BY stream_revision))
     SELECT DISTINCT ON (stream_id) stream_id, stream_revision::text,
            CASE WHEN prev_rev IS NULL AND stream_revision <> 0 THEN 'stream does not start at revision 0'
                 WHEN prev_rev IS NOT NULL AND stream_revision <> prev_rev + 1
                   THEN 'revision ' || (prev_rev + 1) || ' of the stream is missing'
                 ELSE 'hash does not match the event''s content and its predecessor' END AS reason
       FROM chk
      WHERE expected <> hash
         OR (prev_rev IS NULL AND stream_revision <> 0)
         OR (prev_rev IS NOT NULL AND stream_revision <> prev_rev + 1)
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
        ? { intact: false, problem: { revision: broken.stream_revision, reason: broken.reason } }
        : { intact: true },
    );
  }
  return checks;
}
