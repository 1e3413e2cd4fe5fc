import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '@railyard/eventstore';

/** An event to append with the metadata every event carries. */
export function testEvent(type: string, data: Record<string, unknown>): EventToAppend {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      occurredAt: new Date().toISOString(),
      actor: { id: 'tester', kind: 'system', roles: [] },
      correlationId: 'corr-test',
      causationId: 'cause-test',
      schemaVersion: 1,
    },
  };
}
