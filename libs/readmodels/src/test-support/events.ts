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

/** Polls `check` until it returns a truthy value, failing with `what` after the deadline (no fixed sleeps). */
export async function eventually<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 5000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
