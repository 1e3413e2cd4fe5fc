import type { EventCatalogue, EventMetadata } from '@railyard/contracts';
import type { AnyTransaction } from '@railyard/readmodels';
import { CompiledQuery } from 'kysely';
import type pg from 'pg';

/**
 * What a fold of the reporting facts needs of an event, whether it came over the bus (a durable consumer) or from the
 * store (the projection, and `railyard rebuild`): both paths run the same folds, so a rebuild gives the same rows.
 */
export interface FactEvent {
  id: string;
  type: string;
  streamId: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** When the store recorded the event: what "as known at" instants compare with (G1). */
  createdAt: Date;
}

/** One SQL statement runner over the caller's open transaction (a pg client in a consumer, kysely in a projection). */
export interface SqlExec {
  query(text: string, params: unknown[]): Promise<{ rowCount: number }>;
}

export const execOfPg = (client: pg.ClientBase): SqlExec => ({
  async query(text, params) {
    return { rowCount: (await client.query(text, params)).rowCount ?? 0 };
  },
});

export const execOfKysely = (trx: AnyTransaction): SqlExec => ({
  async query(text, params) {
    const result = await trx.executeQuery(CompiledQuery.raw(text, params));
    return { rowCount: Number(result.numAffectedRows ?? 0n) };
  },
});

/** A fold's verdict: applied (or deliberately ignored), or the event does not match its catalogue. */
export type FoldOutcome = 'applied' | 'invalid';
export type Fold = (exec: SqlExec, event: FactEvent) => Promise<FoldOutcome>;

/**
 * The event's data at its type's current version, or undefined when it does not parse (both paths then leave it out:
 * the consumer dead-letters it, the projection skips it, so the rows stay the same).
 */
export function decodeFact<T>(catalogue: EventCatalogue, event: FactEvent): T | undefined {
  const definition = catalogue[event.type];
  if (!definition) return undefined;
  const stored = event.metadata.schemaVersion ?? 1;
  const data = stored !== definition.version && definition.upcast ? definition.upcast(event.data, stored) : event.data;
  const parsed = definition.schema.safeParse(data);
  return parsed.success ? (parsed.data as T) : undefined;
}

/** When the event happened (its metadata), as a Date. */
export const occurredAt = (event: FactEvent) => new Date(event.metadata.occurredAt);
