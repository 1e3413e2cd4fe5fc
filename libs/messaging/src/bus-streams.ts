import { JetStreamApiError, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { DEFAULT_SUBJECT_PREFIX } from '@railyard/contracts';

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

/** Creates the JetStream stream, or updates its subjects and limits when it already exists. Idempotent. */
export async function ensureStream(jsm: JetStreamManager, options: EnsureStreamOptions): Promise<StreamInfo> {
  const config = {
    subjects: options.subjects,
    duplicate_window: nanos(options.duplicateWindowMs ?? 2 * 60 * 1000),
    max_age: nanos(options.maxAgeMs ?? 7 * DAY_MS),
  };
  try {
    return await jsm.streams.add({ name: options.name, ...config });
  } catch (err) {
    // The server refuses `add` when a stream of that name exists with another config: update it instead.
    if (err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE) {
      return jsm.streams.update(options.name, config);
    }
    throw err;
  }
}

export interface BusStreamNames {
  /** JetStream stream capturing `<prefix>.>` (default `RAILYARD`). */
  stream: string;
  /** JetStream stream capturing the dead letters, `<prefix>-dlq.>` (default `RAILYARD_DLQ`). */
  deadLetterStream: string;
}

/**
 * Ensures the event stream (`<prefix>.>`) and the dead-letter stream (`<prefix>-dlq.>`, kept longer so dead
 * letters can be inspected and replayed). Defaults are production's `RAILYARD` on `railyard.>`.
 */
export async function ensureBusStreams(
  jsm: JetStreamManager,
  options: { prefix?: string; name?: string; duplicateWindowMs?: number } = {},
): Promise<BusStreamNames> {
  const prefix = options.prefix ?? DEFAULT_SUBJECT_PREFIX;
  const stream = options.name ?? 'RAILYARD';
  const deadLetterStream = `${stream}_DLQ`;
  await ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`], duplicateWindowMs: options.duplicateWindowMs });
  await ensureStream(jsm, { name: deadLetterStream, subjects: [`${prefix}-dlq.>`], maxAgeMs: 30 * DAY_MS });
  return { stream, deadLetterStream };
}
