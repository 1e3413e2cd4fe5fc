import { parseArgs } from 'node:util';
import { parseStreamName } from '@railyard/contracts';
import { type RecordedEvent, upcastRecorded } from '@railyard/eventstore';
import { readChecked, reportBreak } from './chain-read.js';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './io.js';
import { AGGREGATES } from './registry.js';
import { withStore } from './store.js';
import { parseInstant } from './stream.js';

export const STATE_USAGE = 'railyard state <streamId> --at <ISO-TIME | revision:N>';

type Cutoff = { kind: 'time'; at: Date } | { kind: 'revision'; revision: bigint };

function parseCutoff(value: string): Cutoff {
  const revision = /^revision:(\d+)$/.exec(value);
  if (revision) return { kind: 'revision', revision: BigInt(revision[1] as string) };
  return { kind: 'time', at: parseInstant(value, '--at') };
}

function categoryOf(streamId: string): string {
  try {
    return parseStreamName(streamId).category;
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (expected <category>-<id>)`);
  }
}

const keep = (cutoff: Cutoff) => (e: RecordedEvent) =>
  cutoff.kind === 'time' ? e.createdAt.getTime() <= cutoff.at.getTime() : e.revision <= cutoff.revision;

/** Bigints (none in states today, but revisions are) and Dates as JSON-friendly values. */
const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/**
 * `railyard state`: the aggregate as it was at T — its stream's events recorded up to T (or up to revision N),
 * upcast through the owning service's catalogue and folded with that service's evolve. The chain of what it folds
 * is checked; a break within it, or a revision past the end, is an error (exit 1), never a silent answer.
 */
export async function stateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { at: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [streamId, ...extra] = positionals;
  if (!streamId || extra.length > 0) throw new UsageError(`expected exactly one stream id\nusage: ${STATE_USAGE}`);
  if (values.at === undefined) throw new UsageError(`--at is required\nusage: ${STATE_USAGE}`);
  const cutoff = parseCutoff(values.at);
  const category = categoryOf(streamId);
  const aggregate = AGGREGATES.get(category);
  if (!aggregate) {
    io.err(
      `railyard state: no service exports a fold for stream category "${category}" (known: ${[...AGGREGATES.keys()].join(', ')})`,
    );
    return EXIT_USAGE;
  }

  const { sound: all, broken } = await withStore(io, (store) => readChecked(store, streamId));
  if (all.length === 0 && !broken) {
    io.err(`railyard state: stream ${streamId} does not exist`);
    return EXIT_FAILURE;
  }
  const end = all.at(-1)?.revision ?? -1n;
  // A state folded over a break would show a tampered value as sound: refuse unless the cutoff lies in the
  // verified prefix (by time: a sound event recorded after T, since the broken event's own time is not trusted).
  const withinSound =
    cutoff.kind === 'revision' ? cutoff.revision <= end : all.some((e) => e.createdAt.getTime() > cutoff.at.getTime());
  if (broken && !withinSound) {
    reportBreak(io, 'state', streamId, broken);
    return EXIT_FAILURE;
  }
  if (cutoff.kind === 'revision' && cutoff.revision > end) {
    // Folding the last revision instead would answer a question that was not asked.
    io.err(`railyard state: stream ${streamId} has no revision ${cutoff.revision}; its last is ${end}`);
    return EXIT_FAILURE;
  }
  const events = all.filter(keep(cutoff)).map((e) => upcastRecorded(aggregate.catalogue, e));
  const last = events.at(-1);
  if (!last) {
    io.err(
      `railyard state: stream ${streamId} had no events by ${values.at} (its first is at ${all[0]?.createdAt.toISOString()})`,
    );
    return EXIT_FAILURE;
  }
  let state = aggregate.initialState;
  for (const e of events) state = aggregate.evolve(state, { type: e.type, data: e.data });
  io.out(
    JSON.stringify(
      {
        streamId,
        category,
        revision: last.revision.toString(),
        position: last.position.toString(),
        recordedAt: last.createdAt.toISOString(),
        eventsFolded: events.length,
        state,
      },
      replacer,
      2,
    ),
  );
  return EXIT_OK;
}
