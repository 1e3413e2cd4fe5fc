import { sql } from 'kysely';
import type { AnyDb, AnyTransaction } from './db.js';

/** The table, inside each service schema, that records how far every projection of that schema has got. */
export const CHECKPOINT_TABLE = 'projection_checkpoints';

/** Raised when a projection's checkpoint is not where this runner left it: someone else advanced or reset it. */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
  constructor(
    readonly projection: string,
    readonly expected: bigint,
  ) {
    super(`projection ${projection}: checkpoint moved away from ${expected} (another runner or a rebuild)`);
  }
}

/**
 * Creates the schema and its checkpoint table if missing. DDL is serialised by a transaction-scoped advisory
 * lock because concurrent `create … if not exists` can still collide in the catalogue when replicas start together.
 */
export async function ensureCheckpointTable(db: AnyDb, schema: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended('railyard:readmodels:ddl', 0))`.execute(trx);
    await trx.schema.createSchema(schema).ifNotExists().execute();
    await trx.schema
      .withSchema(schema)
      .createTable(CHECKPOINT_TABLE)
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('position', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  });
}

const UNDEFINED_TABLE = '42P01';

/** The projection's committed position (0n: never ran, just reset, or its schema is not set up yet). */
export async function readCheckpoint(db: AnyDb, schema: string, name: string): Promise<bigint> {
  try {
    const row = await db
      .withSchema(schema)
      .selectFrom(CHECKPOINT_TABLE)
      .select('position')
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? BigInt(row.position) : 0n;
  } catch (err) {
    if ((err as { code?: string }).code === UNDEFINED_TABLE) return 0n;
    throw err;
  }
}

/** Makes sure the projection has a checkpoint row (at 0) so that advancing it is a plain compare-and-set. */
export async function ensureCheckpointRow(db: AnyDb, schema: string, name: string): Promise<void> {
  await db
    .withSchema(schema)
    .insertInto(CHECKPOINT_TABLE)
    .values({ name, position: '0' })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/**
 * Moves the checkpoint from `from` to `to` inside the projection's transaction. The compare-and-set is a fence:
 * if another runner (a split brain after a lost lock) or a rebuild moved it, this transaction fails and rolls back
 * instead of applying events twice. Run it first in the transaction so the row lock orders competing writers.
 */
export async function advanceCheckpoint(
  trx: AnyTransaction,
  schema: string,
  name: string,
  from: bigint,
  to: bigint,
): Promise<void> {
  const result = await trx
    .withSchema(schema)
    .updateTable(CHECKPOINT_TABLE)
    .set({ position: to.toString(), updated_at: sql`now()` })
    .where('name', '=', name)
    .where('position', '=', from.toString())
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new CheckpointMovedError(name, from);
}

/** Puts the checkpoint back to 0 (creating the row if needed), inside a rebuild's reset transaction. */
export async function resetCheckpoint(trx: AnyTransaction, schema: string, name: string): Promise<void> {
  await trx
    .withSchema(schema)
    .insertInto(CHECKPOINT_TABLE)
    .values({ name, position: '0' })
    .onConflict((oc) => oc.column('name').doUpdateSet({ position: '0', updated_at: sql`now()` }))
    .execute();
}
