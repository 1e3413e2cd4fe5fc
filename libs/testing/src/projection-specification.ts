import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@railyard/eventstore';
import { expect } from 'vitest';
import { type SpecEvent, specMetadata } from './http-specification.js';

/**
 * The part of a kysely database a projection specification uses: one transaction at a time. Transactions are typed
 * `Trx` (kysely's Transaction of the projection's tables, or a pg client) by whoever passes them.
 */
// biome-ignore lint/suspicious/noExplicitAny: each projection types its own transaction; the helper only passes it on.
type Trx = any;

export interface TransactionalDb {
  transaction(): { execute<T>(fn: (trx: Trx) => Promise<T>): Promise<T> };
}

/** A projection as its slice exports it (see @railyard/readmodels ProjectionOptions). */
export interface SpecifiedProjection {
  name: string;
  project?: (trx: Trx, event: RecordedEvent) => Promise<unknown>;
  projectBatch?: (trx: Trx, events: readonly RecordedEvent[]) => Promise<unknown>;
  /** Empties the projection's tables (a rebuild's first step); with it, one-by-one and batched folds are compared. */
  reset?: (trx: Trx) => Promise<unknown>;
}

export interface ProjectionSpecification {
  /** Appends events of `stream` to the history (positions and revisions follow the order of the calls). */
  given(stream: string, ...events: SpecEvent[]): ProjectionSpecification;
  /**
   * Applies the history and asserts that `rows()` reads `expected` (toEqual; sort in the query); then that applying
   * the same events again (a redelivery, a replay over a lost checkpoint) changes nothing; and, where the projection
   * has `reset` and `projectBatch`, that folding the events one by one leaves the same rows as one batch. Resolves
   * with the rows. (Named `then` for the given/when/then vocabulary: never `await` the result of `given`.)
   */
  then(expected: unknown[]): Promise<unknown[]>;
}

/** Events as the store would deliver them to a projection: dense positions after `after`, revisions per stream. */
export function recordedEvents(history: { stream: string; events: SpecEvent[] }[], after = 0n): RecordedEvent[] {
  const revisions = new Map<string, bigint>();
  let position = after;
  const recorded: RecordedEvent[] = [];
  for (const { stream, events } of history) {
    for (const e of events) {
      const revision = revisions.get(stream) ?? 0n;
      revisions.set(stream, revision + 1n);
      position += 1n;
      const data = e.definition ? e.definition.schema.parse(e.data) : e.data;
      const metadata = specMetadata(e.at, e.definition?.version);
      recorded.push({
        streamId: stream,
        revision,
        position,
        id: randomUUID(),
        type: e.type,
        data: data as Record<string, unknown>,
        metadata,
        createdAt: new Date(metadata.occurredAt),
        hash: null,
      });
    }
  }
  return recorded;
}

/**
 * A projection specification: given these events, then these rows. The projection's fold runs on the real database
 * (its schema migrated by the caller), in transactions as the runner runs it, without a runner or a store.
 *
 *     await projectionSpecification(db, releaseListProjection, () => db.selectFrom('planning.release_list')…)
 *       .given(releaseStream(id), event(ReleasePlanned, { … }), event(ReleaseFrozen, { … }))
 *       .then([{ release_id: id, status: 'frozen', … }]);
 */
export function projectionSpecification(
  db: TransactionalDb,
  projection: SpecifiedProjection,
  rows: () => Promise<unknown[]>,
): ProjectionSpecification {
  const history: { stream: string; events: SpecEvent[] }[] = [];
  const apply = (events: readonly RecordedEvent[], oneByOne = false) =>
    db.transaction().execute(async (trx) => {
      if (projection.projectBatch && !oneByOne) return projection.projectBatch(trx, events);
      for (const e of events) {
        if (projection.project) await projection.project(trx, e);
        else await projection.projectBatch!(trx, [e]);
      }
    });
  const specification: ProjectionSpecification = {
    given(stream, ...events) {
      history.push({ stream, events });
      return specification;
    },
    // biome-ignore lint/suspicious/noThenProperty: see ProjectionSpecification.then.
    async then(expected) {
      if (!Array.isArray(expected)) throw new TypeError('call then([rows]) on the result of given()');
      const events = recordedEvents(history);
      if (projection.reset) await db.transaction().execute((trx) => projection.reset!(trx));
      await apply(events);
      const once = await rows();
      expect(once, `rows of ${projection.name} after ${events.length} events`).toEqual(expected);
      await apply(events);
      expect(await rows(), `rows of ${projection.name} after the same events applied again`).toEqual(once);
      // Each event alone, redelivered after the whole history: nothing changes either.
      for (const e of events) {
        await apply([e]);
        expect(
          await rows(),
          `rows of ${projection.name} after ${e.type} (position ${e.position}) applied again alone`,
        ).toEqual(once);
      }
      if (projection.reset && projection.projectBatch) {
        await db.transaction().execute((trx) => projection.reset!(trx));
        await apply(events, true);
        expect(await rows(), `rows of ${projection.name} folded one event at a time`).toEqual(once);
      }
      return once;
    },
  };
  return specification;
}
