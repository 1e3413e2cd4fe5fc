import type { EventCatalogue } from '@railyard/contracts';
import type { RecordedEvent } from './port.js';

/**
 * Brings a stored event to its type's current schema version. Stored events are never rewritten: older
 * versions are upcast on every read. Unknown types pass through untouched (another service's event).
 */
export function upcastRecorded(catalogue: EventCatalogue, event: RecordedEvent): RecordedEvent {
  const definition = catalogue[event.type];
  if (!definition) return event;
  const stored = event.metadata.schemaVersion ?? 1;
  if (stored === definition.version || !definition.upcast) return event;
  const data = definition.upcast(event.data, stored) as Record<string, unknown>;
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: definition.version } };
}
