import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkStreamChains, type RecordedEvent, verifyLog } from '@railyard/eventstore';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './io.js';
import { asPostgresStore, eventStoreIsKurrent, withStore } from './store.js';

export const EXPORT_USAGE = 'railyard export --correlation <id> [--out FILE.json]';

const eventJson = (e: RecordedEvent) => ({
  streamId: e.streamId,
  revision: e.revision.toString(),
  position: e.position.toString(),
  id: e.id,
  type: e.type,
  createdAt: e.createdAt.toISOString(),
  hash: e.hash,
  data: e.data,
  metadata: e.metadata,
});

/**
 * `railyard export`: everything one change touched, as one self-contained JSON bundle — the events carrying the
 * correlation id, each touched stream's history up to its last correlated event (so its state can be refolded
 * and its hash chain re-checked offline), each stream's chain re-checked now, and the whole log's verification.
 */
export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { correlation: { type: 'string' }, out: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}\nusage: ${EXPORT_USAGE}`);
  const correlationId = values.correlation?.trim();
  if (!correlationId) throw new UsageError(`--correlation is required\nusage: ${EXPORT_USAGE}`);
  if (eventStoreIsKurrent(io.env)) {
    io.err('railyard export: not supported yet with KurrentDB (EVENTSTORE_URL); it reads the Postgres store');
    return EXIT_USAGE;
  }
  const bundle = await withStore(io, async (store) => {
    const pgStore = asPostgresStore(store);
    if (!pgStore) return null;
    const { rows } = await pgStore.pool.query<{ stream_id: string; last_revision: string }>(
      `SELECT stream_id, max(stream_revision)::text AS last_revision FROM ${pgStore.schema}.events
        WHERE metadata->>'correlationId' = $1 GROUP BY stream_id ORDER BY min(global_position)`,
      [correlationId],
    );
    const streams = await Promise.all(
      rows.map(async (row) => {
        const history = (await store.readStream(row.stream_id)).filter((e) => e.revision <= BigInt(row.last_revision));
        return { streamId: row.stream_id, history };
      }),
    );
    const chains = await checkStreamChains(
      pgStore.pool,
      pgStore.schema,
      new Map(rows.map((row) => [row.stream_id, BigInt(row.last_revision)])),
    );
    const report = await verifyLog(pgStore.pool, pgStore.schema);
    const problem = report.firstProblem;
    const correlated = streams
      .flatMap((s) => s.history.filter((e) => e.metadata.correlationId === correlationId))
      .sort((a, b) => (a.position < b.position ? -1 : 1));
    return {
      format: 'railyard-export/1',
      correlationId,
      exportedAt: new Date().toISOString(),
      events: correlated.map(eventJson),
      streams: streams.map((s) => ({
        streamId: s.streamId,
        upToRevision: s.history.at(-1)?.revision.toString(),
        chain: chains.get(s.streamId),
        events: s.history.map(eventJson),
      })),
      // The whole log at export time (every stream's chain and every seal), beside each stream's own check.
      verification: {
        method: 'verifyLog: every hash recomputed from content and stream predecessor, and every seal',
        ok: report.ok,
        eventsChecked: report.eventsChecked,
        streamsChecked: report.streamsChecked,
        sealsChecked: report.sealsChecked,
        guardProblems: report.guardProblems,
        firstProblem: problem
          ? {
              ...problem,
              position: problem.position.toString(),
              revision: problem.revision?.toString(),
              sealNo: problem.sealNo?.toString(),
            }
          : null,
      },
    };
  });
  if (!bundle) {
    io.err('railyard export: not supported yet with KurrentDB; it reads the Postgres store');
    return EXIT_USAGE;
  }
  if (bundle.events.length === 0) {
    io.err(`railyard export: no event carries correlation id ${correlationId}`);
    return EXIT_FAILURE;
  }
  const json = JSON.stringify(bundle, null, 2);
  const intact = bundle.verification.ok && bundle.streams.every((s) => s.chain?.intact);
  if (values.out) {
    await writeFile(values.out, `${json}\n`);
    io.out(
      `${values.out}: ${bundle.events.length} events in ${bundle.streams.length} streams (chains ${intact ? 'verified' : 'BROKEN'})`,
    );
  } else io.out(json);
  if (intact) return EXIT_OK;
  // The bundle is still written (it is the evidence), but a script piping it on must not take it as sound.
  for (const s of bundle.streams.filter((s) => !s.chain?.intact))
    io.err(
      `railyard export: stream ${s.streamId} is BROKEN at revision ${s.chain?.problem?.revision}: ${s.chain?.problem?.reason}`,
    );
  if (!bundle.verification.ok)
    io.err(
      `railyard export: the log does not verify: ${bundle.verification.firstProblem?.reason ?? bundle.verification.guardProblems.join('; ')}`,
    );
  return EXIT_FAILURE;
}
