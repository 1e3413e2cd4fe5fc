import { defineEvent } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { upcastRecorded } from './catalogue.js';
import type { RecordedEvent } from './port.js';

// v1 stored `{ title }`; v2 renamed it to `{ name }`. Stored v1 events are upcast on read, never rewritten.
const catalogue = {
  ThingNamed: defineEvent('ThingNamed', z.strictObject({ name: z.string() }), 'a thing got its name', {
    version: 2,
    upcast: (data, from) => (from === 1 ? { name: (data as { title: string }).title } : data),
  }),
};

const stored = (schemaVersion: number, data: Record<string, unknown>): RecordedEvent => ({
  streamId: 'thing-1',
  revision: 0n,
  position: 1n,
  id: '0193a000-0000-7000-8000-000000000001',
  type: 'ThingNamed',
  data,
  metadata: {
    occurredAt: '2026-11-26T00:00:00Z',
    actor: { id: 'a', kind: 'user', roles: [] },
    correlationId: 'c',
    causationId: 'c',
    schemaVersion,
  },
  createdAt: new Date(0),
  hash: null,
});

describe('upcasting stored events', () => {
  it('brings an older version to the current shape and version, leaving the stored object alone', () => {
    const old = stored(1, { title: 'legacy' });
    const read = upcastRecorded(catalogue, old);
    expect(read.data).toEqual({ name: 'legacy' });
    expect(read.metadata.schemaVersion).toBe(2);
    expect(old.data).toEqual({ title: 'legacy' });
  });

  it('passes current versions and unknown types through unchanged', () => {
    const current = stored(2, { name: 'now' });
    expect(upcastRecorded(catalogue, current)).toBe(current);
    const foreign = { ...current, type: 'SomethingElse' };
    expect(upcastRecorded(catalogue, foreign)).toBe(foreign);
  });
});
