import { randomUUID } from 'node:crypto';
import { releaseEvents, streamName } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, type RecordedEvent } from '@railyard/eventstore';
import { createTestDatabase, type TestDatabase, tamperAsSuperuser, waitFor } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, appendAndRead, runCli } from './test-support/cli-harness.js';

// A stream edited behind the store's back (triggers switched off, as a superuser could): the CLI must never print
// or fold it as if it were sound (DESIGN §9 F1).
let tdb: TestDatabase;
let store: PostgresEventStore;
let env: NodeJS.ProcessEnv;
let events: RecordedEvent[];
const releaseId = randomUUID();
const itemId = randomUUID();
const stream = streamName('release', releaseId);

const release = (type: keyof typeof releaseEvents, data: Record<string, unknown>) =>
  anEvent(type, releaseEvents[type].schema.parse(data) as Record<string, unknown>, 'alice');

beforeAll(async () => {
  tdb = await createTestDatabase('cliTamper');
  store = createPostgresEventStore({ connectionString: tdb.url });
  await store.ready();
  env = { DATABASE_URL: tdb.url };
  events = await appendAndRead(store, stream, [
    release('ReleasePlanned', { releaseId, name: 'Spring', targetDate: '2026-12-01', owner: 'alice' }),
  ]);
  // --at compares at millisecond precision: the later events must be recorded in a later millisecond.
  const cutoff = events[0]?.createdAt.getTime() ?? 0;
  await waitFor('a later millisecond', () => Date.now() > cutoff + 1, { intervalMs: 1 });
  events.push(
    ...(await appendAndRead(store, stream, [
      release('ScopeItemAdded', {
        releaseId,
        itemId,
        title: 'Checkout',
        team: 'payments',
        kind: 'feature',
        author: 'alice',
      }),
      release('ScopeItemAccepted', { releaseId, itemId, acceptedBy: 'paula' }),
      release('ScopeItemDeferred', { releaseId, itemId, reason: 'not ready', deferredBy: 'paula' }),
    ])),
  );
  // `railyard events` reads the global log, which shows an event once no older transaction anywhere on the shared
  // server can still commit before it: wait for that, so the test does not depend on other files' transactions.
  const last = events.at(-1)?.position ?? 0n;
  await waitFor('the events to become visible to global readers', async () => (await store.headPosition()) >= last, {
    timeoutMs: 15_000,
  });
  // The forger puts someone else's name on the product owner's acceptance.
  await tamperAsSuperuser(
    tdb.url,
    'eventstore.events',
    `UPDATE eventstore.events SET data = data || '{"acceptedBy":"Forged"}' WHERE id = $1`,
    [events[2]?.id],
  );
});

afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

const BROKEN = `stream ${stream} is BROKEN at revision 2: hash does not match the event's content and its predecessor`;

describe('railyard stream on a tampered stream', () => {
  it('prints only the events before the break, says where it breaks on stderr, and exits 1', async () => {
    const result = await runCli(['stream', stream, '--json'], env);
    expect(result.code).toBe(1);
    expect(result.out.map((line) => JSON.parse(line).revision)).toEqual(['0', '1']);
    expect(result.stdout).not.toMatch(/Forged/);
    expect(result.stderr).toMatch(new RegExp(`^railyard stream: ${escapeRegExp(BROKEN)}`));
  });

  it('answers normally when --at stops before the last event that verifies', async () => {
    const result = await runCli(['stream', stream, '--at', (events[0] as RecordedEvent).createdAt.toISOString()], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toHaveLength(1);
  });
});

describe('railyard events over a tampered stream', () => {
  it('leaves out the events from the break on, names it on stderr, and exits 1', async () => {
    const result = await runCli(['events', '--category', 'release', '--json'], env);
    expect(result.code).toBe(1);
    expect(result.out.map((line) => JSON.parse(line).revision)).toEqual(['0', '1']);
    expect(result.stderr).toMatch(new RegExp(`^railyard events: ${escapeRegExp(BROKEN)}`));
  });
});

describe('railyard state on a tampered stream', () => {
  it('refuses to fold across the break (exit 1, nothing on stdout)', async () => {
    // By time too: the broken event's own recorded time cannot be trusted to place it after the cutoff.
    for (const at of ['revision:2', 'revision:3', (events[3] as RecordedEvent).createdAt.toISOString()]) {
      const result = await runCli(['state', stream, '--at', at], env);
      expect(result.code, at).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(new RegExp(`^railyard state: ${escapeRegExp(BROKEN)}`));
    }
  });

  it('folds a prefix that still verifies', async () => {
    const result = await runCli(['state', stream, '--at', 'revision:1'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).state.scope).toMatchObject([{ state: 'proposed' }]);
  });
});

describe('railyard audit verify checks the guards and the sealer', () => {
  it('fails when the append-only triggers were re-enabled in mode O, and reports the sealer lag', async () => {
    const admin = new pg.Client({ connectionString: tdb.url });
    await admin.connect();
    try {
      // What an operator typically does after "fixing" something: the triggers are back, but not ALWAYS.
      await admin.query('ALTER TABLE eventstore.seals DISABLE TRIGGER USER');
      await admin.query('ALTER TABLE eventstore.seals ENABLE TRIGGER ALL');
    } finally {
      await admin.end();
    }
    const result = await runCli(['audit', 'verify'], env);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      'GUARD: trigger seals_append_only on eventstore.seals is ENABLE (origin only), not ENABLE ALWAYS',
    );
    expect(result.out).toContain(
      'GUARD: trigger seals_no_truncate on eventstore.seals is ENABLE (origin only), not ENABLE ALWAYS',
    );
    expect(result.stdout).toMatch(/BROKEN at position \d+, stream release-.*, revision 2: hash does not match/);
    expect(result.stdout).toMatch(/sealer lag: 4 events not yet sealed, the oldest recorded \d+ s ago \(no seal yet\)/);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
