import { JetStreamApiError, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { busStreamNames, DEFAULT_SUBJECT_PREFIX } from '@railyard/contracts';

export interface EnsureStreamOptions {
  name: string;
  subjects: string[];
  /** JetStream drops a second message with the same `Nats-Msg-Id` inside this window (default 2 minutes). */
  duplicateWindowMs?: number;
  /** How long the bus keeps messages (default 7 days: the bus keeps days, the store keeps years). */
  maxAgeMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** JetStream's error code for "stream name already in use with a different configuration". */
const STREAM_NAME_IN_USE = 10058;

/**
 * Creates the JetStream stream, or updates its limits when it already exists. Idempotent. Subjects are only ever
 * added: a stream may be shared (production's `RAILYARD` by six services), and replacing its subject list with
 * one caller's would silently stop capturing everyone else's publishes.
 */
export async function ensureStream(jsm: JetStreamManager, options: EnsureStreamOptions): Promise<StreamInfo> {
  const config = {
    duplicate_window: nanos(options.duplicateWindowMs ?? 2 * 60 * 1000),
    max_age: nanos(options.maxAgeMs ?? 7 * DAY_MS),
  };
  try {
    return await jsm.streams.add({ name: options.name, subjects: options.subjects, ...config });
  } catch (err) {
    // The server refuses `add` when a stream of that name exists with another config: update it instead.
    if (!(err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE)) throw err;
  }
  const existing = await jsm.streams.info(options.name);
  const subjects = [...new Set([...existing.config.subjects, ...options.subjects])];
  return jsm.streams.update(options.name, { ...config, subjects });
}

export interface BusStreamNames {
  /** JetStream stream capturing `<prefix>.>` (`RAILYARD` for production's prefix `railyard`). */
  stream: string;
  /** JetStream stream capturing the dead letters, `<prefix>-dlq.>` (`RAILYARD_DLQ` for `railyard`). */
  deadLetterStream: string;
}

/**
 * Ensures the event stream (`<prefix>.>`) and the dead-letter stream (`<prefix>-dlq.>`, kept longer so dead
 * letters can be inspected and replayed). Their names derive from the prefix (see busStreamNames): production's
 * `railyard` gets `RAILYARD` on `railyard.>`; another prefix never touches those.
 */
export async function ensureBusStreams(
  jsm: JetStreamManager,
  options: { prefix?: string; name?: string; duplicateWindowMs?: number } = {},
): Promise<BusStreamNames> {
  const prefix = options.prefix ?? DEFAULT_SUBJECT_PREFIX;
  const derived = busStreamNames(prefix);
  const stream = options.name ?? derived.stream;
  const deadLetterStream = options.name ? `${options.name}_DLQ` : derived.deadLetterStream;
  await ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`], duplicateWindowMs: options.duplicateWindowMs });
  await ensureStream(jsm, { name: deadLetterStream, subjects: [`${prefix}-dlq.>`], maxAgeMs: 30 * DAY_MS });
  return { stream, deadLetterStream };
}
