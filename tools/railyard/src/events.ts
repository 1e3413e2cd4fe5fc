import { parseArgs } from 'node:util';
import type { AllFilter } from '@railyard/eventstore';
import { printEvents } from './format.js';
import { type CliIo, EXIT_OK, UsageError } from './io.js';
import { withStore } from './store.js';

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

/** `railyard events`: the global log in position order, filtered by stream category and/or event type. */
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

  const events = await withStore(io, (store) =>
    store.readAll({
      ...(values.after !== undefined ? { after: BigInt(values.after) } : {}),
      limit,
      ...(categories || eventTypes ? { filter } : {}),
    }),
  );
  printEvents(events, io.out, { json: values.json, withStream: true });
  const last = events.at(-1);
  // On stderr, so `--json` output stays one event per line for jq.
  if (last && events.length === limit) io.err(`(limit ${limit} reached; continue with --after ${last.position})`);
  return EXIT_OK;
}
