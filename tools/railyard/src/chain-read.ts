import { type EventStore, type RecordedEvent, StreamIntegrityError } from '@railyard/eventstore';
import type { CliIo } from './io.js';

/** A stream as read with its chain checked: the events that verify, and where the chain breaks, if it does. */
export interface CheckedStream {
  /** The events before the first break (all of them when the chain is intact). */
  sound: RecordedEvent[];
  broken?: { revision: bigint; reason: string };
}

/** Reads a stream with the store's per-stream chain check (libs/eventstore), keeping what verifies before a break. */
export async function readChecked(store: EventStore, streamId: string): Promise<CheckedStream> {
  try {
    return { sound: await store.readStream(streamId, { verify: true }) };
  } catch (error) {
    if (!(error instanceof StreamIntegrityError)) throw error;
    return { sound: error.soundEvents, broken: { revision: error.revision, reason: error.reason } };
  }
}

/** Says, on stderr, where the chain breaks and that nothing from there on is shown as sound. */
export function reportBreak(io: CliIo, command: string, streamId: string, broken: CheckedStream['broken']): void {
  if (!broken) return;
  io.err(
    `railyard ${command}: stream ${streamId} is BROKEN at revision ${broken.revision}: ${broken.reason}. ` +
      `Nothing from revision ${broken.revision} on is shown; run \`railyard audit verify\` and treat the store as tampered.`,
  );
}
