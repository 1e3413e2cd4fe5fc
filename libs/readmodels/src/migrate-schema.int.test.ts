import { createTestDatabase, type TestDatabase } from '@railyard/testing';
import { type Migration, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyDb, createDb } from './db.js';
import { MigrationFailedError, migrateSchema } from './migrate-schema.js';

let tdb: TestDatabase;
let db: AnyDb;

async function tablesOf(schema: string): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(db);
  return rows.map((r) => r.table_name);
}

async function recorded(schema: string): Promise<string[]> {
  const rows = await db.withSchema(schema).selectFrom('kysely_migration').select('name').orderBy('name').execute();
  return rows.map((r) => r.name as string);
}

const releases: Record<string, Migration> = {
  '0001_releases': {
    async up(trx) {
      await trx.schema
        .createTable('releases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .execute();
    },
  },
  '0002_release_names': {
    async up(trx) {
      // Raw SQL with unqualified names lands in the schema too (search_path).
      await sql`alter table releases add column name text`.execute(trx);
      await sql`create index releases_name on releases (name)`.execute(trx);
    },
  },
};

beforeAll(async () => {
  tdb = await createTestDatabase('rmMigrate');
  db = createDb(tdb.url);
});

afterAll(async () => {
  await db?.destroy();
  await tdb?.drop();
});

describe('migrateSchema', () => {
  it('creates the schema, runs the migrations in name order inside it, and records them there', async () => {
    const result = await migrateSchema(db, { schema: 'planning', migrations: releases });
    expect(result.executed).toEqual(['0001_releases', '0002_release_names']);
    expect(await tablesOf('planning')).toEqual(['kysely_migration', 'kysely_migration_lock', 'releases']);
    expect(await tablesOf('public')).toEqual([]);
    expect(await recorded('planning')).toEqual(['0001_releases', '0002_release_names']);
    await db.withSchema('planning').insertInto('releases').values({ id: 'r1', name: 'spring' }).execute();
  });

  it('is idempotent, and a later run executes only the new migrations', async () => {
    expect((await migrateSchema(db, { schema: 'planning', migrations: releases })).executed).toEqual([]);
    const more = {
      ...releases,
      '0003_trains': { up: (trx: AnyDb) => trx.schema.createTable('trains').addColumn('id', 'text').execute() },
    };
    expect((await migrateSchema(db, { schema: 'planning', migrations: more })).executed).toEqual(['0003_trains']);
    expect(await recorded('planning')).toEqual(['0001_releases', '0002_release_names', '0003_trains']);
  });

  it('keeps each schema its own migration list', async () => {
    const result = await migrateSchema(db, { schema: 'artifact', migrations: releases });
    expect(result.executed).toEqual(['0001_releases', '0002_release_names']);
    expect(await recorded('artifact')).toEqual(['0001_releases', '0002_release_names']);
    expect(await recorded('planning')).toHaveLength(3);
  });

  it('fails loudly with the migration name and leaves the schema as it was', async () => {
    const broken: Record<string, Migration> = {
      '0001_ok': { up: (trx) => trx.schema.createTable('fine').addColumn('id', 'text').execute() },
      '0002_broken': {
        async up(trx) {
          await sql`alter table no_such_table add column x int`.execute(trx);
        },
      },
    };
    const failure = migrateSchema(db, { schema: 'pipeline', migrations: broken });
    await expect(failure).rejects.toThrow(MigrationFailedError);
    await expect(failure).rejects.toThrow(/migration pipeline\/0002_broken failed: .*no_such_table/);
    // One transaction for the batch: 0001 was rolled back with it.
    expect(await tablesOf('pipeline')).toEqual(['kysely_migration', 'kysely_migration_lock']);
    expect(await recorded('pipeline')).toEqual([]);
  });
});
