import type { RecordedEvent } from '@railyard/eventstore';
import { type Migration, sql } from 'kysely';
import type { AnyDb, AnyTransaction } from '../db.js';
import { migrateSchema } from '../migrate-schema.js';

/**
 * A test read model: `applied` keeps one row per application (no unique key, so a double apply shows up as a
 * duplicate) with the transaction id that applied it; `stream_totals` folds events per stream, as real ones do.
 */
export const appliedMigrations: Record<string, Migration> = {
  '0001_applied': {
    async up(db) {
      await db.schema
        .createTable('applied')
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('stream_id', 'text', (c) => c.notNull())
        .addColumn('txid', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0002_stream_totals': {
    async up(db) {
      await sql`create table stream_totals (
        stream_id text primary key,
        events integer not null,
        total bigint not null,
        last_type text not null,
        last_position bigint not null
      )`.execute(db);
    },
  },
};

export async function setUpAppliedSchema(db: AnyDb, schema: string): Promise<void> {
  await migrateSchema(db, { schema, migrations: appliedMigrations });
}

/** The projection function over the two tables; `beforeApply` lets a test make it fail on a chosen event. */
export function appliedProjection(schema: string, beforeApply?: (event: RecordedEvent) => void) {
  return async (trx: AnyTransaction, event: RecordedEvent) => {
    beforeApply?.(event);
    await trx
      .withSchema(schema)
      .insertInto('applied')
      .values({
        position: event.position.toString(),
        event_id: event.id,
        type: event.type,
        stream_id: event.streamId,
        txid: sql`txid_current()`,
      })
      .execute();
    const amount = Number(event.data.amount ?? 0);
    await trx
      .withSchema(schema)
      .insertInto('stream_totals')
      .values({
        stream_id: event.streamId,
        events: 1,
        total: amount,
        last_type: event.type,
        last_position: event.position.toString(),
      })
      .onConflict((oc) =>
        oc.column('stream_id').doUpdateSet({
          events: sql`stream_totals.events + 1`,
          total: sql`stream_totals.total + ${amount}`,
          last_type: event.type,
          last_position: event.position.toString(),
        }),
      )
      .execute();
  };
}

/** The same fold as appliedProjection, a batch at a time: one insert and one upsert per batch. */
export function appliedBatchProjection(schema: string) {
  return async (trx: AnyTransaction, events: readonly RecordedEvent[]) => {
    await trx
      .withSchema(schema)
      .insertInto('applied')
      .values(
        events.map((event) => ({
          position: event.position.toString(),
          event_id: event.id,
          type: event.type,
          stream_id: event.streamId,
          txid: sql`txid_current()`,
        })),
      )
      .execute();
    // One upsert row per stream: Postgres refuses to update the same row twice in one statement.
    const perStream = new Map<string, { events: number; total: number; last_type: string; last_position: string }>();
    for (const event of events) {
      const row = perStream.get(event.streamId) ?? { events: 0, total: 0, last_type: '', last_position: '' };
      row.events += 1;
      row.total += Number(event.data.amount ?? 0);
      row.last_type = event.type;
      row.last_position = event.position.toString();
      perStream.set(event.streamId, row);
    }
    await trx
      .withSchema(schema)
      .insertInto('stream_totals')
      .values([...perStream].map(([stream_id, row]) => ({ stream_id, ...row })))
      .onConflict((oc) =>
        oc.column('stream_id').doUpdateSet({
          events: sql`stream_totals.events + excluded.events`,
          total: sql`stream_totals.total + excluded.total`,
          last_type: sql`excluded.last_type`,
          last_position: sql`excluded.last_position`,
        }),
      )
      .execute();
  };
}

/** Empties both tables: the `reset` of a rebuild. */
export async function resetApplied(trx: AnyTransaction, schema: string): Promise<void> {
  await trx.withSchema(schema).deleteFrom('applied').execute();
  await trx.withSchema(schema).deleteFrom('stream_totals').execute();
}

export interface AppliedRow {
  position: bigint;
  event_id: string;
  type: string;
  stream_id: string;
  txid: string;
}

/** Every application of an event, in position order. */
export async function appliedRows(db: AnyDb, schema: string): Promise<AppliedRow[]> {
  const rows = await db.withSchema(schema).selectFrom('applied').selectAll().orderBy('position').execute();
  return rows.map((r) => ({ ...r, position: BigInt(r.position) }) as AppliedRow);
}

export async function streamTotals(db: AnyDb, schema: string) {
  return db.withSchema(schema).selectFrom('stream_totals').selectAll().orderBy('stream_id').execute();
}
