import { streamName } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, type RecordedEvent } from '@railyard/eventstore';
import { createTestDatabase, type TestDatabase, waitFor } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, appendAndRead, runCli } from './test-support/cli-harness.js';

const STREAM = streamName('release', 'r1');
let tdb: TestDatabase;
let store: PostgresEventStore;
let env: NodeJS.ProcessEnv;
let early: RecordedEvent[];
let late: RecordedEvent[];
let other: RecordedEvent[];

beforeAll(async () => {
  tdb = await createTestDatabase('cliStream');
  store = createPostgresEventStore({ connectionString: tdb.url });
  await store.ready();
  env = { DATABASE_URL: tdb.url };
  early = await appendAndRead(store, STREAM, [
    anEvent('ReleasePlanned', { name: 'Spring', amount: 2n.toString() }, 'alice'),
    anEvent('ScopeItemAdded', { feature: 'checkout' }, 'alice'),
  ]);
  other = await appendAndRead(store, 'train-t1', [anEvent('TrainCreated', { cadence: 'weekly' }, 'bob')]);
  // --at compares at millisecond precision: make sure the later events are recorded in a later millisecond.
  const cutoff = early.at(-1)?.createdAt.getTime() ?? 0;
  await waitFor('a later millisecond', () => Date.now() > cutoff + 1, { intervalMs: 1 });
  late = await appendAndRead(store, STREAM, [anEvent('ReleaseFrozen', { at: 'now' }, 'carol')]);
});

afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

describe('railyard stream', () => {
  it('prints the events of a stream in revision order with position, type, time, actor and data', async () => {
    const result = await runCli(['stream', STREAM], env);
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(3);
    const first = early[0] as RecordedEvent;
    expect(result.out[0]).toBe(
      `rev 0  pos ${first.position}  ReleasePlanned  ${first.metadata.occurredAt}  actor alice  {"name":"Spring","amount":"2"}`,
    );
    expect(result.out[2]).toMatch(/^rev 2 .*ReleaseFrozen .*actor carol/);
  });

  it('prints one JSON object per line with bigints as strings', async () => {
    const result = await runCli(['stream', STREAM, '--json'], env);
    expect(result.code).toBe(0);
    const parsed = result.out.map((line) => JSON.parse(line));
    expect(parsed.map((e) => e.revision)).toEqual(['0', '1', '2']);
    expect(parsed[2]).toMatchObject({
      streamId: STREAM,
      position: late[0]?.position.toString(),
      type: 'ReleaseFrozen',
      data: { at: 'now' },
      metadata: { actor: { id: 'carol' } },
    });
  });

  it('--at shows only the events recorded at or before that time', async () => {
    const at = (early.at(-1) as RecordedEvent).createdAt.toISOString();
    const result = await runCli(['stream', STREAM, '--at', at, '--json'], env);
    expect(result.code).toBe(0);
    expect(result.out.map((line) => JSON.parse(line).type)).toEqual(['ReleasePlanned', 'ScopeItemAdded']);
    const before = await runCli(['stream', STREAM, '--at', '2000-01-01T00:00:00Z'], env);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/had no events at 2000-01-01/);
  });

  it('exits 1 with a message for a stream that does not exist', async () => {
    const result = await runCli(['stream', 'release-nope'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stream release-nope does not exist/);
    expect(result.out).toEqual([]);
  });

  it('rejects a bad --at and a missing stream id as usage errors', async () => {
    expect((await runCli(['stream', STREAM, '--at', 'yesterday'], env)).code).toBe(2);
    expect((await runCli(['stream'], env)).code).toBe(2);
  });
});

describe('railyard events', () => {
  it('prints the global log in position order', async () => {
    const result = await runCli(['events', '--json'], env);
    expect(result.code).toBe(0);
    const positions = result.out.map((line) => BigInt(JSON.parse(line).position));
    expect(positions).toEqual([...early, ...other, ...late].map((e) => e.position));
  });

  it('filters by --category and --type', async () => {
    const trains = await runCli(['events', '--category', 'train'], env);
    expect(trains.code).toBe(0);
    expect(trains.out).toHaveLength(1);
    expect(trains.out[0]).toMatch(/^train-t1@0 .*TrainCreated .*actor bob/);
    const frozen = await runCli(
      ['events', '--category', 'release', '--type', 'ReleaseFrozen,ReleasePlanned', '--json'],
      env,
    );
    expect(frozen.out.map((line) => JSON.parse(line).type)).toEqual(['ReleasePlanned', 'ReleaseFrozen']);
  });

  it('pages with --after and --limit, saying where to continue', async () => {
    const firstPage = await runCli(['events', '--limit', '2', '--json'], env);
    expect(firstPage.out).toHaveLength(2);
    const lastPosition = JSON.parse(firstPage.out[1] ?? '{}').position as string;
    expect(firstPage.stderr).toContain(`--after ${lastPosition}`);
    const next = await runCli(['events', '--after', lastPosition, '--json'], env);
    expect(next.out.map((line) => JSON.parse(line).position)).toEqual(
      [...other, ...late].map((e) => e.position.toString()),
    );
    expect((await runCli(['events', '--limit', '0'], env)).code).toBe(2);
  });
});

describe('a database without an event store', () => {
  it('is reported (exit 1) and left untouched', async () => {
    const empty = await createTestDatabase('cliEmpty');
    try {
      const result = await runCli(['events'], { DATABASE_URL: empty.url });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/holds no event store/);
      const client = new pg.Client({ connectionString: empty.url });
      await client.connect();
      const { rows } = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = 'eventstore'");
      await client.end();
      expect(rows).toEqual([]);
    } finally {
      await empty.drop();
    }
  });
});
