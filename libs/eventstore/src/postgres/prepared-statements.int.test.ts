import { createTestDatabase, type TestDatabase } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from '../test-support/contract.js';
import { createPostgresEventStore } from './postgres-store.js';

// The append and the stream reads are named prepared statements, prepared once per connection. These are the ways a
// name could go wrong.
let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('appendstmt');
  // One connection: every store below prepares on the same session.
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const event = () => ev('Noted');

describe('the prepared append and stream reads', () => {
  it('keeps two stores on one connection apart, even when their schema names agree in the first 63 bytes', async () => {
    const stem = `s${'x'.repeat(55)}`;
    const [a, b] = [`${stem}_aaaaa`, `${stem}_bbbbb`].map((schema) => createPostgresEventStore({ pool, schema }));
    await a!.ready();
    await b!.ready();
    for (let i = 0; i < 3; i++) {
      await a!.append(`note-a${i}`, [event()], 'noStream');
      await b!.append(`note-b${i}`, [event()], 'noStream');
    }
    expect((await a!.readAll()).map((e) => e.streamId)).toEqual(['note-a0', 'note-a1', 'note-a2']);
    expect((await b!.readAll()).map((e) => e.streamId)).toEqual(['note-b0', 'note-b1', 'note-b2']);
  });

  it('reads each store its own streams in every shape, on one connection', async () => {
    const [a, b] = ['reads_a', 'reads_b'].map((schema) => createPostgresEventStore({ pool, schema }));
    await a!.ready();
    await b!.ready();
    await a!.append('note-1', [event(), event(), event()], 'noStream');
    await b!.append('note-1', [event()], 'noStream');
    for (let round = 0; round < 7; round++) {
      // Past five executions Postgres may switch a prepared statement to its generic plan: read past that too.
      expect((await a!.readStream('note-1')).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      expect((await b!.readStream('note-1')).map((e) => e.revision)).toEqual([0n]);
      expect((await a!.readStream('note-1', { from: 1n })).map((e) => e.revision)).toEqual([1n, 2n]);
      expect((await a!.readStream('note-1', { direction: 'backwards', limit: 1 })).map((e) => e.revision)).toEqual([
        2n,
      ]);
      expect((await a!.readStream('note-1', { from: 1n, direction: 'backwards' })).map((e) => e.revision)).toEqual([
        1n,
        0n,
      ]);
      expect(await b!.readStream('note-missing')).toEqual([]);
    }
  });

  it('still appends on a connection that prepared it before the function was replaced', async () => {
    const store = createPostgresEventStore({ pool, schema: 'replaced' });
    await store.ready();
    await store.append('note-1', [event()], 'noStream');
    // A second instance applies the schema again (CREATE OR REPLACE FUNCTION), as a replica starting does.
    const again = createPostgresEventStore({ pool, schema: 'replaced' });
    await again.ready();
    await store.append('note-1', [event()], 0n);
    await again.append('note-1', [event()], 1n);
    expect((await store.readStream('note-1')).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    // A wrong expected revision is still the typed conflict, through the prepared path.
    await expect(store.append('note-1', [event()], 0n)).rejects.toMatchObject({ name: 'WrongExpectedRevisionError' });
  });
});
