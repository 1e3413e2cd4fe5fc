import {
  ANY,
  type AppendStreamState,
  type CurrentStreamState,
  type EventType,
  eventTypeFilter,
  excludeSystemEvents,
  type Filter,
  type AllStreamResolvedEvent as KurrentAllResolvedEvent,
  type ResolvedEvent as KurrentResolvedEvent,
  NO_STREAM,
  type Position,
  STREAM_EXISTS,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import type { EventMetadata } from '@railyard/contracts';
import { type AllFilter, type ExpectedRevision, matchesFilter, type RecordedEvent } from '../port.js';

/*
 * Pure translations between the port (port.ts) and the KurrentDB client's types, kept apart from the adapter so
 * they can be tested without a server.
 *
 * Positions: the port has one bigint position; KurrentDB has a (commit, prepare) pair. We expose the commit
 * position and resume with prepare = commit. That is exact for events written through the gRPC append (every
 * event is its own implicitly committed record, so commit = prepare = its log position); it would not hold for
 * events written by the legacy TCP multi-record transactions, which this system never uses.
 */

/** The position the client reports when it does not know one (stream reads served from the index). */
const UNKNOWN_POSITION = 0xffff_ffff_ffff_ffffn;

/** Schemes the 1.x client parses (`esdb` still works there, but warns that it is deprecated). */
const SCHEMES = new Set(['kurrentdb', 'kurrent', 'kdb']);

/**
 * Accepts `kurrentdb://…`, `kurrent://…`, `kdb://…` (and their `+discover` forms) as is and rewrites the
 * deprecated `esdb://` / `esdb+discover://` to `kurrentdb://` / `kurrentdb+discover://`; anything else throws.
 */
export function normaliseConnectionString(connectionString: string): string {
  const trimmed = connectionString.trim();
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(trimmed);
  if (!match) throw new Error('KurrentDB connection string must start with kurrentdb:// (or esdb://)');
  const scheme = match[1]!.toLowerCase();
  const discover = scheme.endsWith('+discover');
  const base = discover ? scheme.slice(0, -'+discover'.length) : scheme;
  const rest = trimmed.slice(match[0].length);
  if (base === 'esdb') return `kurrentdb${discover ? '+discover' : ''}://${rest}`;
  if (!SCHEMES.has(base)) {
    throw new Error(`unsupported KurrentDB connection string scheme "${match[1]}://"; use kurrentdb://`);
  }
  return `${scheme}://${rest}`;
}

/** The client's expected stream state for a port expected revision. */
export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'noStream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'streamExists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/**
 * The port's view of a stream's actual state from the client's. Negative revisions (-1 for an empty stream,
 * -5/-6 that the server reports for deleted/tombstoned streams) all mean there is no stream to append after.
 */
export function fromCurrentStreamState(actual: CurrentStreamState): bigint | 'noStream' {
  if (actual === NO_STREAM || actual < 0n) return 'noStream';
  return actual;
}

/** The client's read position for a port position (`prepare = commit`, see the note at the top). */
export function toPosition(position: bigint): Position {
  return { commit: position, prepare: position };
}

/** KurrentDB's own streams and events (`$`-prefixed) never reach our readers. */
export function isSystemEvent(streamId: string, type: string): boolean {
  return streamId.startsWith('$') || type.startsWith('$');
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Matches nothing, for an explicitly empty list (the client-side check then agrees). */
const NEVER = '(?!)';

/**
 * The server-side filter that narrows a read of $all as far as one filter can: the server filters on stream name
 * or on event type, not both, so categories (the usually narrower one) win and the event types are checked on
 * the client. Without a filter we still ask the server to drop system events. The client re-checks every event
 * with {@link isVisible}, so this filter only saves traffic, never decides.
 */
export function toServerFilter(filter: AllFilter | undefined): Filter {
  if (filter?.categories) {
    const alternatives = filter.categories.map(escapeRegex).join('|');
    // Category = the stream name up to its first dash, or the whole name when it has none (matchesFilter).
    const regex = filter.categories.length === 0 ? NEVER : `^(?:${alternatives})(?:-|$)`;
    return streamNameFilter({ regex });
  }
  if (filter?.eventTypes) {
    const alternatives = filter.eventTypes.map(escapeRegex).join('|');
    return eventTypeFilter({ regex: filter.eventTypes.length === 0 ? NEVER : `^(?:${alternatives})$` });
  }
  return excludeSystemEvents();
}

type AnyResolvedEvent = KurrentResolvedEvent<EventType> | KurrentAllResolvedEvent;

/** The commit position of a resolved event, or undefined when the server did not say. */
export function commitPositionOf(resolved: AnyResolvedEvent): bigint | undefined {
  const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
  return commit === undefined || commit === UNKNOWN_POSITION ? undefined : commit;
}

/** Whether a resolved event is a non-system event passing the port filter (unresolved links never are). */
export function isVisible(resolved: AnyResolvedEvent, filter: AllFilter | undefined): boolean {
  const event = resolved.event;
  if (!event) return false;
  return !isSystemEvent(event.streamId, event.type) && matchesFilter(event.streamId, event.type, filter);
}

/** A JSON object from what the client hands back: already parsed for JSON events, bytes or text otherwise. */
function jsonObject(value: unknown, what: string): Record<string, unknown> {
  let parsed = value;
  if (value instanceof Uint8Array) parsed = parseJson(Buffer.from(value).toString('utf8'), what);
  else if (typeof value === 'string') parsed = parseJson(value, what);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${what} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

/**
 * The port's RecordedEvent for a client resolved event, or null for a link whose target is gone. Data and
 * metadata must be JSON objects: the store only ever writes those, so anything else is a foreign event that
 * slipped past the filter, and failing loudly beats handing a reader a half-typed event. A position the server
 * did not report (stream reads from servers before 22.6) becomes -1n.
 */
export function toRecordedEvent(resolved: AnyResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event) return null;
  const what = `event ${event.id} in ${event.streamId}`;
  return {
    streamId: event.streamId,
    revision: event.revision,
    position: commitPositionOf(resolved) ?? -1n,
    id: event.id,
    type: event.type,
    data: jsonObject(event.data, `data of ${what}`),
    metadata: jsonObject(event.metadata, `metadata of ${what}`) as EventMetadata,
    createdAt: event.created,
    // KurrentDB's own append-only log (with its checksummed chunks and ACLs) is the tamper-evidence boundary
    // for this adapter, so we keep no hash chain of our own.
    hash: null,
  };
}
