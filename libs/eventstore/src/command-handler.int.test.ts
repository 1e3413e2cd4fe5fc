import { type Actor, DomainError, defineEvent, ErrorCodes, ruleViolated } from '@railyard/contracts';
import { createTestDatabase, type TestDatabase } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CommandContext, createCommandHandler } from './command-handler.js';
import type { Decider } from './decider.js';
import { createPostgresEventStore, type PostgresEventStore } from './postgres/postgres-store.js';

// A toy aggregate: a counter that refuses to go above a limit.
const catalogue = {
  Incremented: defineEvent('Incremented', z.strictObject({ by: z.number().int() }), 'counter went up'),
};
type Event = { type: 'Incremented'; data: { by: number } };
type Command = { type: 'Increment'; by: number };
const counter: Decider<Command, Event, { total: number }> = {
  initialState: { total: 0 },
  evolve: (s, e) => ({ total: s.total + e.data.by }),
  decide: (c, s) => {
    if (s.total + c.by > 1000) throw ruleViolated('TEST_LIMIT', 'over the limit');
    return c.by === 0 ? [] : [{ type: 'Incremented', data: { by: c.by } }];
  },
};
const actor: Actor = { id: 'user-1', kind: 'user', roles: ['developer'] };
const ctx = (extra: Partial<CommandContext> = {}): CommandContext => ({
  actor,
  now: new Date('2026-11-26T10:00:00Z'),
  correlationId: 'corr-1',
  ...extra,
});

describe('command handler (Postgres store)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: ReturnType<typeof createCommandHandler<Command, Event, { total: number }>>;

  beforeAll(async () => {
    db = await createTestDatabase('cmdHandler');
    store = createPostgresEventStore({ connectionString: db.url });
    handler = createCommandHandler({ store, decider: counter, catalogue });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('loads, decides, appends and returns the new state and revision, with metadata', async () => {
    const r1 = await handler.handle('counter-a', { type: 'Increment', by: 2 }, ctx());
    const r2 = await handler.handle('counter-a', { type: 'Increment', by: 3 }, ctx());
    expect(r1.revision).toBe(0n);
    expect(r2).toMatchObject({ revision: 1n, state: { total: 5 }, replayed: false });
    const stored = await store.readStream('counter-a');
    expect(stored[1]!.metadata).toMatchObject({ actor, correlationId: 'corr-1', schemaVersion: 1 });
    expect(stored[1]!.metadata.occurredAt).toBe('2026-11-26T10:00:00.000Z');
  });

  it('appends nothing when the decider decides nothing, and nothing when a rule refuses', async () => {
    const r = await handler.handle('counter-b', { type: 'Increment', by: 0 }, ctx());
    expect(r.events).toEqual([]);
    await expect(handler.handle('counter-b', { type: 'Increment', by: 5000 }, ctx())).rejects.toMatchObject({
      code: 'TEST_LIMIT',
    });
    expect(await store.readStream('counter-b')).toEqual([]);
  });

  it('re-decides after concurrent writes when no If-Match is given, so every command lands', async () => {
    await Promise.all(
      Array.from({ length: 20 }, () => handler.handle('counter-c', { type: 'Increment', by: 1 }, ctx())),
    );
    const stored = await store.readStream('counter-c');
    expect(stored).toHaveLength(20);
  });

  it('with If-Match, exactly one of many concurrent commands wins; the rest fail the precondition', async () => {
    await handler.handle('counter-d', { type: 'Increment', by: 1 }, ctx());
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () =>
        handler.handle('counter-d', { type: 'Increment', by: 1 }, ctx({ expectedRevision: 0n })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(DomainError);
        expect(r.reason).toMatchObject({ kind: 'precondition', code: ErrorCodes.PRECONDITION_FAILED });
      }
    }
    expect(await store.readStream('counter-d')).toHaveLength(2);
  });

  it('returns the first result for a retried Idempotency-Key and appends nothing new', async () => {
    const c = ctx({ idempotencyKey: 'key-1', requestHash: 'h1' });
    const first = await handler.handle('counter-e', { type: 'Increment', by: 7 }, c);
    await handler.handle('counter-e', { type: 'Increment', by: 1 }, ctx());
    const again = await handler.handle('counter-e', { type: 'Increment', by: 7 }, c);
    expect(again.replayed).toBe(true);
    expect(again.revision).toBe(first.revision);
    expect(again.state).toEqual({ total: 7 });
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(await store.readStream('counter-e')).toHaveLength(2);
    await expect(
      handler.handle('counter-e', { type: 'Increment', by: 9 }, ctx({ idempotencyKey: 'key-1', requestHash: 'other' })),
    ).rejects.toMatchObject({ code: ErrorCodes.IDEMPOTENCY_KEY_REUSED });
  });

  it('never appends an event whose data does not match its schema', async () => {
    const broken = createCommandHandler({
      store,
      catalogue,
      decider: { ...counter, decide: () => [{ type: 'Incremented', data: { by: 'lots' as unknown as number } }] },
    });
    await expect(broken.handle('counter-f', { type: 'Increment', by: 1 }, ctx())).rejects.toThrow();
    expect(await store.readStream('counter-f')).toEqual([]);
  });

  describe('a create under a freshly minted id (newStream)', () => {
    /** How many statements the store's pool ran during `run`: a create should cost one round trip, not two. */
    async function statements(run: () => Promise<unknown>): Promise<number> {
      const pool = store.pool as unknown as { query: (...args: unknown[]) => Promise<unknown> };
      const original = pool.query;
      let n = 0;
      pool.query = (...args: unknown[]) => {
        n++;
        return original.apply(store.pool, args);
      };
      try {
        await run();
      } finally {
        pool.query = original;
      }
      return n;
    }

    it('appends without reading the stream first', async () => {
      let result: Awaited<ReturnType<typeof handler.handle>> | undefined;
      const n = await statements(async () => {
        result = await handler.handle('counter-new1', { type: 'Increment', by: 4 }, ctx(), { newStream: true });
      });
      expect(n).toBe(1);
      expect(result).toMatchObject({ revision: 0n, state: { total: 4 }, replayed: false });
      expect(await store.readStream('counter-new1')).toHaveLength(1);
    });

    it('falls back to the usual path when the stream exists after all: replay, or a decision on what is stored', async () => {
      const key = { idempotencyKey: 'k-new2', requestHash: 'h' };
      const first = await handler.handle('counter-new2', { type: 'Increment', by: 5 }, ctx(key), { newStream: true });
      const retry = await handler.handle('counter-new2', { type: 'Increment', by: 5 }, ctx(key), { newStream: true });
      expect(retry).toMatchObject({ replayed: true, revision: first.revision, state: { total: 5 } });
      // Without a key the command is decided on the stored state (995 + 5 > 1000): refused, nothing appended.
      await handler.handle('counter-new2', { type: 'Increment', by: 995 }, ctx());
      await expect(
        handler.handle('counter-new2', { type: 'Increment', by: 5 }, ctx(), { newStream: true }),
      ).rejects.toMatchObject({ code: 'TEST_LIMIT' });
      expect(await store.readStream('counter-new2')).toHaveLength(2);
    });
  });
});
