import { testInfra, uniqueSuffix } from '@railyard/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, databaseNameOf, ensureDatabase, maintenanceDatabaseUrl } from './db.js';

const created: string[] = [];

async function urlFor(name: string): Promise<string> {
  const u = new URL((await testInfra()).databaseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: (await testInfra()).databaseUrl });
  await admin.connect();
  try {
    for (const name of created) await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await admin.end();
  }
});

describe('ensureDatabase', () => {
  it('creates a missing database once, even when called concurrently', async () => {
    const name = `rytest_ensure_${uniqueSuffix()}`;
    created.push(name);
    const url = await urlFor(name);
    const results = await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await ensureDatabase(url)).toEqual({ created: false });

    const db = createDb<Record<string, never>>(url);
    try {
      const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(db);
      expect(rows[0]!.db).toBe(name);
    } finally {
      await db.destroy();
    }
  });

  it('reaches the server through its maintenance database when the named one does not exist', async () => {
    const missing = await urlFor(`rytest_missing_${uniqueSuffix()}`);
    const admin = new pg.Client({ connectionString: maintenanceDatabaseUrl(missing) });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ db: string }>('select current_database() as db');
      expect(rows[0]!.db).toBe('postgres');
    } finally {
      await admin.end();
    }
    expect(maintenanceDatabaseUrl('postgres://u:p@db.example:6543/railyard?sslmode=require')).toBe(
      'postgres://u:p@db.example:6543/postgres?sslmode=require',
    );
  });

  it('reads the database name from the URL and refuses a URL without one', () => {
    expect(databaseNameOf('postgres://postgres@127.0.0.1:5432/railyard')).toBe('railyard');
    expect(() => databaseNameOf('postgres://postgres:secret@127.0.0.1:5432')).toThrow(/names no database.*\*\*\*/);
  });
});

describe('createDb', () => {
  it('works over a pool the caller made', async () => {
    const pool = new pg.Pool({ connectionString: (await testInfra()).databaseUrl, max: 2 });
    const db = createDb<Record<string, never>>(pool);
    try {
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      expect(rows[0]!.one).toBe(1);
    } finally {
      await db.destroy();
    }
    expect(pool.ended).toBe(true);
  });
});
