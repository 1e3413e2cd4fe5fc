import { parseArgs } from 'node:util';
import { type AllFilter, checkStreamChains, type EventStore, type RecordedEvent } from '@railyard/eventstore';
import { printEvents } from './format.js';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from './io.js';
import { asPostgresStore, withStore } from './store.js';

export const EVENTS_USAGE = 'railyard events [--category C] [--type T] [--after POS] [--limit N] [--json]';

const DEFAULT_LIMIT = 100;

/** Splits repeated and comma-separated option values (`--type A,B --type C`). */
function listOf(values: string[] | undefined): string[] | undefined {
  const items = (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  return items.length > 0 ? items : undefined;
}

/**
 * The streams among `events` whose chain breaks at or before a revision listed: one query with the store's
 * per-stream chain check, only up to what is printed (Postgres; KurrentDB keeps its own log append-only).
 */
async function brokenStreams(store: EventStore, events: readonly RecordedEvent[]) {
  const pgStore = asPostgresStore(store);
  const upTo = new Map<string, bigint>();
  for (const e of events) if ((upTo.get(e.streamId) ?? -1n) < e.revision) upTo.set(e.streamId, e.revision);
  if (!pgStore || upTo.size === 0) return new Map<string, { revision: bigint; reason: string }>();
  const checks = await checkStreamChains(pgStore.pool, pgStore.schema, upTo);
  return new Map(
    [...checks].flatMap(([streamId, c]) =>
      c.problem ? [[streamId, { revision: BigInt(c.problem.revision), reason: c.problem.reason }] as const] : [],
    ),
  );
}

/**
 * `railyard events`: the global log in position order, filtered by stream category and/or event type. The chains
 * of the streams listed are checked: an event at or after its stream's break is not printed, the break is named on
 * stderr and the exit code is 1.
 */
export async function eventsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      category: { type: 'string', multiple: true },
      type: { type: 'string', multiple: true },
      after: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}\nusage: ${EVENTS_USAGE}`);
  if (values.after !== undefined && !/^\d+$/.test(values.after))
    throw new UsageError('--after must be a position (a non-negative integer)');
  if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit))
    throw new UsageError('--limit must be a positive integer');
  const limit = values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit);
  const filter: AllFilter = {};
  const categories = listOf(values.category);
  const eventTypes = listOf(values.type);
  if (categories) filter.categories = categories;
  if (eventTypes) filter.eventTypes = eventTypes;

  const { events, broken } = await withStore(io, async (store) => {
    const read = await store.readAll({
      ...(values.after !== undefined ? { after: BigInt(values.after) } : {}),
      limit,
      ...(categories || eventTypes ? { filter } : {}),
    });
    return { events: read, broken: await brokenStreams(store, read) };
  });
  const sound = events.filter((e) => {
    const b = broken.get(e.streamId);
    return !b || e.revision < b.revision;
  });
  printEvents(sound, io.out, { json: values.json, withStream: true });
  const last = events.at(-1);
  // On stderr, so `--json` output stays one event per line for jq.
  if (last && events.length === limit) io.err(`(limit ${limit} reached; continue with --after ${last.position})`);
  for (const [streamId, b] of broken) {
    io.err(
      `railyard events: stream ${streamId} is BROKEN at revision ${b.revision}: ${b.reason}; its events from there on are not shown`,
    );
  }
  return broken.size > 0 ? EXIT_FAILURE : EXIT_OK;
}
