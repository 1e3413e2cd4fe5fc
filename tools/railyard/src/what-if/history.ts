import type { EventCatalogue } from '@railyard/contracts';
import { type AllFilter, type EventStore, type RecordedEvent, upcastRecorded } from '@railyard/eventstore';
import { readChecked } from '../chain-read.js';

/** Every event matching `filter` recorded between `from` and `to` (inclusive), in global order, read page by page. */
export async function eventsBetween(
  store: EventStore,
  filter: AllFilter,
  from: Date,
  to: Date,
): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }), limit: 1000, filter });
    for (const e of page) {
      const t = e.createdAt.getTime();
      if (t >= from.getTime() && t <= to.getTime()) found.push(e);
    }
    if (page.length < 1000) return found;
    after = page.at(-1)?.position;
  }
}

/** A stream's history as a replay may use it: upcast, and only what verifies (a break is reported, not replayed). */
export async function verifiedHistory(
  store: EventStore,
  streamId: string,
  catalogue: EventCatalogue,
): Promise<{ events: RecordedEvent[]; broken?: string }> {
  const checked = await readChecked(store, streamId);
  const events = checked.sound.map((e) => upcastRecorded(catalogue, e));
  if (!checked.broken) return { events };
  return { events, broken: `BROKEN at revision ${checked.broken.revision}: ${checked.broken.reason}` };
}
