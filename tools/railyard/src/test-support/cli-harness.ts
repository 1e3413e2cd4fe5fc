import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, RecordedEvent } from '@railyard/eventstore';
import { run } from '../cli.js';

/** Runs the CLI in-process and captures what it printed. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out, err, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A valid event to append, acted by `actorId`, in the change `correlationId` (a fresh one by default). */
export function anEvent(
  type: string,
  data: Record<string, unknown>,
  actorId = 'user-1',
  correlationId: string = randomUUID(),
): EventToAppend {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      occurredAt: new Date().toISOString(),
      actor: { id: actorId, kind: 'user', roles: ['release-manager'] },
      correlationId,
      causationId: randomUUID(),
      schemaVersion: 1,
    },
  };
}

/** Appends events and returns them as the store recorded them. */
export async function appendAndRead(
  store: EventStore,
  streamId: string,
  events: EventToAppend[],
): Promise<RecordedEvent[]> {
  await store.append(streamId, events, 'any');
  const ids = new Set(events.map((e) => e.id));
  return (await store.readStream(streamId)).filter((e) => ids.has(e.id));
}
