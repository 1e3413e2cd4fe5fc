import { ReleaseTrainTeamJoined } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, type RecordedEvent } from '@railyard/eventstore';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, httpSpecification, type InjectRequest, toAppend } from './http-specification.js';
import { createTestDatabase, type TestDatabase } from './infra.js';
import { projectionSpecification, type TransactionalDb } from './projection-specification.js';

// Any contract serves: the helpers only need a type, a schema and data. `team` plays the note's text.
const TRAIN = '0193a000-0000-7000-8000-0000000000ff';
const noted = (text: string) => event(ReleaseTrainTeamJoined, { trainId: TRAIN, team: text, by: 'spec' });

let database: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase('specs');
  store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
});
afterAll(async () => {
  await pool.end();
  await store.close();
  await database.drop();
});

/** A stand-in for a slice: appends `Noted` to each stream the request names, answers 201 (or 409 for "no"). */
const app = {
  async inject(request: InjectRequest) {
    const { streams, text } = request.payload as { streams: string[]; text: string };
    if (text === 'no') {
      const body = JSON.stringify({ code: 'TEST_REFUSED' });
      return {
        statusCode: 409,
        headers: { 'content-type': 'application/problem+json' },
        body,
        json: () => JSON.parse(body),
      };
    }
    for (const stream of streams) await store.append(stream, [toAppend(noted(text))], 'any');
    const body = JSON.stringify({ text });
    return { statusCode: 201, headers: { 'content-type': 'application/json' }, body, json: () => JSON.parse(body) };
  },
};
const post = (streams: string[], text: string): InjectRequest => ({
  method: 'POST',
  url: '/notes',
  payload: { streams, text },
});
const stream = (n: number) => `note-0193a000-0000-7000-8000-00000000000${n}`;

describe('httpSpecification', () => {
  it('passes on the exact response and the exact new events, and returns them', async () => {
    const { events } = await httpSpecification({ app, store })
      .given(stream(1), noted('before'))
      .when(post([stream(1)], 'hello'))
      .then({ status: 201, body: { text: 'hello' }, events: { [stream(1)]: [noted('hello')] } });
    expect(events[stream(1)]!.map((e) => e.data.team)).toEqual(['hello']);
  });

  it('fails when the data differs', async () => {
    const run = httpSpecification({ app, store })
      .when(post([stream(2)], 'hello'))
      .then({ status: 201, events: { [stream(2)]: [noted('hi')] } });
    await expect(run).rejects.toThrow(/new events in note-/);
  });

  it('fails when a stream it does not name receives an event', async () => {
    const run = httpSpecification({ app, store })
      .when(post([stream(3), stream(4)], 'hello'))
      .then({ status: 201, events: { [stream(3)]: [noted('hello')] } });
    await expect(run).rejects.toThrow(/streams the specification does not name/);
  });

  it('fails on another status or code, and a refused request must append nothing', async () => {
    await httpSpecification({ app, store })
      .when(post([stream(5)], 'no'))
      .then({ status: 409, code: 'TEST_REFUSED' });
    await expect(
      httpSpecification({ app, store })
        .when(post([stream(5)], 'no'))
        .then({ status: 409, code: 'OTHER' }),
    ).rejects.toThrow();
    await expect(
      httpSpecification({ app, store })
        .when(post([stream(5)], 'yes'))
        .then({ status: 409 }),
    ).rejects.toThrow();
  });

  it('refuses a given event its contract does not accept', async () => {
    const run = httpSpecification({ app, store }).given(stream(6), noted('')).when(post([], 'x')).then({ status: 201 });
    await expect(run).rejects.toThrow();
  });
});

describe('projectionSpecification', () => {
  const db: TransactionalDb = {
    transaction: () => ({
      async execute(fn) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await fn(client);
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        } finally {
          client.release();
        }
      },
    }),
  };
  const rows = async () => (await pool.query('SELECT stream, texts FROM notes ORDER BY stream')).rows;
  beforeAll(async () => {
    await pool.query('CREATE TABLE notes (stream text PRIMARY KEY, texts text[] NOT NULL, last_position bigint)');
  });
  const reset = (c: pg.PoolClient) => c.query('DELETE FROM notes');

  it('passes for a fold that skips what it has already applied', async () => {
    const project = async (c: pg.PoolClient, e: RecordedEvent) => {
      await c.query(
        `INSERT INTO notes VALUES ($1, ARRAY[$2], $3) ON CONFLICT (stream) DO UPDATE
           SET texts = notes.texts || $2, last_position = $3 WHERE notes.last_position < $3`,
        [e.streamId, e.data.team, e.position.toString()],
      );
    };
    await projectionSpecification(db, { name: 'notes', project, reset }, rows)
      .given(stream(1), noted('a'), noted('b'))
      .then([{ stream: stream(1), texts: ['a', 'b'] }]);
  });

  it('fails for a fold that applies an event twice', async () => {
    const project = async (c: pg.PoolClient, e: RecordedEvent) => {
      await c.query(
        'INSERT INTO notes VALUES ($1, ARRAY[$2], $3) ON CONFLICT (stream) DO UPDATE SET texts = notes.texts || $2',
        [e.streamId, e.data.team, e.position.toString()],
      );
    };
    const run = projectionSpecification(db, { name: 'notes', project, reset }, rows)
      .given(stream(1), noted('a'))
      .then([{ stream: stream(1), texts: ['a'] }]);
    await expect(run).rejects.toThrow(/applied again/);
  });
});
