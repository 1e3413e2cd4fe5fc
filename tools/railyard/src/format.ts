import type { RecordedEvent } from '@railyard/eventstore';

/** An event as one JSON object: bigints (revision, position) as strings so no precision is lost. */
export function eventToJson(event: RecordedEvent): string {
  return JSON.stringify({
    streamId: event.streamId,
    revision: event.revision.toString(),
    position: event.position.toString(),
    id: event.id,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    hash: event.hash,
    data: event.data,
    metadata: event.metadata,
  });
}

/** An event as one human-readable line; `withStream` adds the stream id (global log listings). */
export function eventToText(event: RecordedEvent, withStream: boolean): string {
  const actor = event.metadata?.actor?.id ?? '-';
  const occurredAt = event.metadata?.occurredAt ?? event.createdAt.toISOString();
  const where = withStream ? `${event.streamId}@${event.revision}` : `rev ${event.revision}`;
  return `${where}  pos ${event.position}  ${event.type}  ${occurredAt}  actor ${actor}  ${JSON.stringify(event.data)}`;
}

/** Prints events one per line in the chosen format. */
export function printEvents(
  events: readonly RecordedEvent[],
  out: (line: string) => void,
  options: { json: boolean; withStream: boolean },
): void {
  for (const event of events) out(options.json ? eventToJson(event) : eventToText(event, options.withStream));
}
