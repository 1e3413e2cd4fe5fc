import { parseArgs } from 'node:util';
import { readChecked, reportBreak } from './chain-read.js';
import { printEvents } from './format.js';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from './io.js';
import { withStore } from './store.js';

export const STREAM_USAGE = 'railyard stream <streamId> [--json] [--at ISO-TIME]';

/** Parses an ISO-8601 instant given on the command line. */
export function parseInstant(value: string, option: string): Date {
  // Date.parse accepts far more than ISO-8601 ("March 7"); insist on a date-first form so typos fail loudly.
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(`${option} must be an ISO-8601 time such as 2025-03-01T12:00:00Z, not "${value}"`);
  return at;
}

/**
 * `railyard stream`: prints one stream's events in revision order; `--at T` keeps those the store had recorded
 * at or before T, i.e. the stream as an on-call engineer would have seen it then. The chain of what it prints is
 * checked: at a break it prints only the events before it, says where on stderr, and exits 1.
 */
export async function streamCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, at: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [streamId, ...extra] = positionals;
  if (!streamId || extra.length > 0) throw new UsageError(`expected exactly one stream id\nusage: ${STREAM_USAGE}`);
  const at = values.at === undefined ? undefined : parseInstant(values.at, '--at');

  const { sound: all, broken } = await withStore(io, (store) => readChecked(store, streamId));
  if (all.length === 0 && !broken) {
    io.err(`railyard stream: stream ${streamId} does not exist`);
    return EXIT_FAILURE;
  }
  const events = at ? all.filter((e) => e.createdAt.getTime() <= at.getTime()) : all;
  // With --at, the answer stays inside the verified prefix only if a sound event was recorded after T; the broken
  // event's own time cannot be trusted, so otherwise the break is part of what was asked.
  const reachesBreak = broken && !(at && all.some((e) => e.createdAt.getTime() > at.getTime()));
  if (reachesBreak) {
    printEvents(events, io.out, { json: values.json, withStream: false });
    reportBreak(io, 'stream', streamId, broken);
    return EXIT_FAILURE;
  }
  if (events.length === 0) {
    io.err(
      `railyard stream: stream ${streamId} had no events at ${at?.toISOString()} (its first is at ${all[0]?.createdAt.toISOString()})`,
    );
    return EXIT_FAILURE;
  }
  printEvents(events, io.out, { json: values.json, withStream: false });
  return EXIT_OK;
}
