import { PassThrough } from 'node:stream';
import { type AllStreamResolvedEvent, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AllFilter, matchesFilter } from '../port.js';
import {
  commitPositionOf,
  fromCurrentStreamState,
  isSystemEvent,
  isVisible,
  normaliseConnectionString,
  toPosition,
  toRecordedEvent,
  toServerFilter,
  toStreamState,
} from './kurrentdb-mapping.js';
import { iterateUntilAborted } from './until-aborted.js';

// The adapter itself needs a KurrentDB server and runs in the shared contract suite (KURRENTDB_URL); these
// tests cover the translations it is built from, which need none.

const metadata = {
  occurredAt: '2025-01-01T00:00:00.000Z',
  actor: { kind: 'user', id: 'u1' },
  correlationId: 'c1',
  causationId: 'c1',
  schemaVersion: 1,
};

function resolved(overrides: Record<string, unknown> = {}, commitPosition?: bigint): AllStreamResolvedEvent {
  const event = {
    streamId: 'release-1',
    id: '0193a0b0-0000-7000-8000-000000000001',
    isJson: true,
    revision: 3n,
    type: 'ReleasePlanned',
    created: new Date('2025-01-02T03:04:05.000Z'),
    data: { name: 'r1' },
    metadata,
    position: { commit: 4242n, prepare: 4242n },
    ...overrides,
  };
  return { event, commitPosition } as unknown as AllStreamResolvedEvent;
}

describe('normaliseConnectionString', () => {
  afterEach(() => vi.restoreAllMocks());

  it('rewrites the deprecated esdb schemes to kurrentdb', () => {
    expect(normaliseConnectionString('esdb://localhost:2113?tls=false')).toBe('kurrentdb://localhost:2113?tls=false');
    expect(normaliseConnectionString('ESDB+discover://a:1,b:2')).toBe('kurrentdb+discover://a:1,b:2');
  });

  it('keeps the schemes the client accepts, credentials and query included', () => {
    const cs = 'kurrentdb://admin:changeit@localhost:2113?tls=false';
    expect(normaliseConnectionString(` ${cs} `)).toBe(cs);
    expect(normaliseConnectionString('kdb+discover://h:2113')).toBe('kdb+discover://h:2113');
    expect(normaliseConnectionString('Kurrent://h:2113')).toBe('kurrent://h:2113');
  });

  it('rejects other schemes and strings without one', () => {
    expect(() => normaliseConnectionString('postgres://localhost/db')).toThrow(/unsupported/);
    expect(() => normaliseConnectionString('localhost:2113')).toThrow(/kurrentdb:\/\//);
  });

  it('produces strings the client parses without the esdb deprecation warning', async () => {
    const warn = vi.spyOn(console, 'warn');
    const client = KurrentDBClient.connectionString(normaliseConnectionString('esdb://127.0.0.1:2113?tls=false'));
    await client.dispose();
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('expected revision mapping', () => {
  it('maps the port states to the client constants and revisions to themselves', () => {
    expect(toStreamState('noStream')).toBe('no_stream');
    expect(toStreamState('any')).toBe('any');
    expect(toStreamState('streamExists')).toBe('stream_exists');
    expect(toStreamState(7n)).toBe(7n);
    expect(toStreamState(0n)).toBe(0n);
  });

  it('reads the actual state back, treating missing, empty, deleted and tombstoned streams as noStream', () => {
    expect(fromCurrentStreamState('no_stream')).toBe('noStream');
    expect(fromCurrentStreamState(-1n)).toBe('noStream');
    expect(fromCurrentStreamState(-5n)).toBe('noStream');
    expect(fromCurrentStreamState(-6n)).toBe('noStream');
    expect(fromCurrentStreamState(0n)).toBe(0n);
    expect(fromCurrentStreamState(12n)).toBe(12n);
  });

  it('resumes reads with prepare equal to commit', () => {
    expect(toPosition(99n)).toEqual({ commit: 99n, prepare: 99n });
  });
});

describe('filters', () => {
  const streams = ['release-1', 'release', 'releaseX-1', 'pipelineRun-a-b', 'cab.1-x', 'cabX1-y', '$stats-1'];

  function serverMatches(filter: AllFilter | undefined, streamId: string, type: string): boolean {
    const f = toServerFilter(filter);
    if (!('regex' in f)) throw new Error('expected a regex filter');
    return new RegExp(f.regex).test(f.filterOn === 'streamName' ? streamId : type);
  }

  it('narrows by category on the server exactly as matchesFilter does (never dropping a match)', () => {
    const filter = { categories: ['release', 'cab.1'] };
    expect(toServerFilter(filter).filterOn).toBe('streamName');
    for (const s of streams) expect(serverMatches(filter, s, 'T'), s).toBe(matchesFilter(s, 'T', filter));
  });

  it('narrows by exact event type when only types are given', () => {
    const filter = { eventTypes: ['ReleasePlanned', 'A.B'] };
    expect(toServerFilter(filter).filterOn).toBe('eventType');
    for (const t of ['ReleasePlanned', 'ReleasePlannedV2', 'XReleasePlanned', 'A.B', 'AxB']) {
      expect(serverMatches(filter, 'release-1', t), t).toBe(matchesFilter('release-1', t, filter));
    }
  });

  it('excludes system events when there is no filter, and matches nothing for empty lists', () => {
    expect(serverMatches(undefined, 'release-1', 'ReleasePlanned')).toBe(true);
    expect(serverMatches(undefined, 'release-1', '$metadata')).toBe(false);
    expect(serverMatches({ categories: [] }, 'release-1', 'T')).toBe(false);
    expect(serverMatches({ eventTypes: [] }, 'release-1', 'T')).toBe(false);
  });

  it('checks both categories and types on the client, and hides system streams and types', () => {
    const filter = { categories: ['release'], eventTypes: ['ReleasePlanned'] };
    expect(isVisible(resolved(), filter)).toBe(true);
    expect(isVisible(resolved({ type: 'ReleaseFrozen' }), filter)).toBe(false);
    expect(isVisible(resolved({ streamId: 'cab-1' }), filter)).toBe(false);
    expect(isVisible(resolved({ streamId: '$ce-release' }), undefined)).toBe(false);
    expect(isVisible(resolved({ type: '$>' }), undefined)).toBe(false);
    expect(isVisible({} as AllStreamResolvedEvent, undefined)).toBe(false);
    expect(isSystemEvent('release-1', 'ReleasePlanned')).toBe(false);
  });
});

describe('toRecordedEvent', () => {
  it('converts a resolved event to the port shape', () => {
    expect(toRecordedEvent(resolved())).toEqual({
      streamId: 'release-1',
      revision: 3n,
      position: 4242n,
      id: '0193a0b0-0000-7000-8000-000000000001',
      type: 'ReleasePlanned',
      data: { name: 'r1' },
      metadata,
      createdAt: new Date('2025-01-02T03:04:05.000Z'),
      hash: null,
    });
  });

  it('parses data and metadata that arrive as bytes or text', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ name: 'bin' }));
    const event = toRecordedEvent(resolved({ isJson: false, data: bytes, metadata: JSON.stringify(metadata) }));
    expect(event?.data).toEqual({ name: 'bin' });
    expect(event?.metadata).toEqual(metadata);
  });

  it('fails loudly on data or metadata that is not a JSON object', () => {
    expect(() => toRecordedEvent(resolved({ data: new TextEncoder().encode('not json') }))).toThrow(/valid JSON/);
    expect(() => toRecordedEvent(resolved({ metadata: undefined }))).toThrow(/metadata of event .* JSON object/);
    expect(() => toRecordedEvent(resolved({ data: [1, 2] }))).toThrow(/data of event/);
  });

  it('takes the commit position from the event, else the resolved event, and marks an unknown one -1', () => {
    expect(commitPositionOf(resolved({ position: undefined }, 77n))).toBe(77n);
    expect(toRecordedEvent(resolved({ position: undefined }))?.position).toBe(-1n);
    const unknown = { commit: 0xffff_ffff_ffff_ffffn, prepare: 0xffff_ffff_ffff_ffffn };
    expect(toRecordedEvent(resolved({ position: unknown }))?.position).toBe(-1n);
  });

  it('returns null for a link whose event is gone', () => {
    expect(toRecordedEvent({} as AllStreamResolvedEvent)).toBeNull();
  });
});

describe('iterateUntilAborted', () => {
  it('yields what the stream delivers and ends cleanly, cancelling once, when the signal aborts mid-wait', async () => {
    const source = new PassThrough({ objectMode: true });
    const cancel = vi.fn(async () => {});
    const controller = new AbortController();
    const seen: number[] = [];
    source.write(1);
    source.write(2);
    for await (const item of iterateUntilAborted<number>(source, cancel, controller.signal)) {
      seen.push(item);
      // Abort while the iterator will next wait on an empty stream: it must wake up and end.
      if (item === 2) setImmediate(() => controller.abort());
    }
    expect(seen).toEqual([1, 2]);
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(source.destroyed).toBe(true);
  }, 5_000);

  it('does not start when the signal is already aborted', async () => {
    const source = new PassThrough({ objectMode: true });
    source.write(1);
    const cancel = vi.fn(async () => {});
    const items = [];
    for await (const item of iterateUntilAborted(source, cancel, AbortSignal.abort())) items.push(item);
    expect(items).toEqual([]);
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it('cancels the subscription when the consumer stops early', async () => {
    const source = new PassThrough({ objectMode: true });
    source.write('a');
    source.write('b');
    const cancel = vi.fn(async () => {});
    for await (const _ of iterateUntilAborted(source, cancel)) break;
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it('propagates a failure it did not cause', async () => {
    const source = new PassThrough({ objectMode: true });
    const cancel = vi.fn(async () => {});
    setImmediate(() => source.destroy(new Error('connection lost')));
    const run = async () => {
      for await (const _ of iterateUntilAborted(source, cancel)) {
      }
    };
    await expect(run()).rejects.toThrow('connection lost');
  });
});
