import type { AllFilter, EventStore, RecordedEvent } from '@railyard/eventstore';
import { sql } from 'kysely';
import { advanceCheckpoint } from './checkpoints.js';
import type { AnyDb, AnyTransaction } from './db.js';

/** Folds one event into the projection's tables, inside the transaction that also moves its checkpoint. */
export type ProjectFn = (trx: AnyTransaction, event: RecordedEvent) => Promise<void>;
/**
 * Folds a batch of consecutive events (in position order) at once, e.g. with multi-row inserts: one round trip
 * per batch instead of per event is what makes rebuilds fast. Must leave the same rows as applying them one by one.
 */
export type ProjectBatchFn = (trx: AnyTransaction, events: readonly RecordedEvent[]) => Promise<void>;

/** The pino-compatible subset a runner logs through (ids, types and positions only: never payloads). */
export interface ProjectionLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface ProjectionOptions {
  store: EventStore;
  db: AnyDb;
  /** Unique within the schema: the checkpoint row and the advisory lock are keyed by schema + name. */
  name: string;
  /** The owning service's schema; holds `projection_checkpoints`. */
  schema: string;
  /** Which events the projection reads (categories and/or types); omitted = all. */
  filter?: AllFilter;
  /** Per-event fold. Give exactly one of `project` and `projectBatch`. */
  project?: ProjectFn;
  /** Per-batch fold, for projections that can write many events' rows in one statement. */
  projectBatch?: ProjectBatchFn;
  /** Most events applied in one transaction (default 500 live, 2000 for a rebuild). */
  batchSize?: number;
  logger?: ProjectionLogger;
}

/**
 * Raised when the projection throws: names the projection and the event (id, type, position) — for a
 * projectBatch failure, the batch's first event and its size — and keeps the cause.
 */
export class ProjectionFailedError extends Error {
  override readonly name = 'ProjectionFailedError';
  constructor(
    readonly projection: string,
    readonly event: Pick<RecordedEvent, 'id' | 'type' | 'position' | 'streamId'>,
    cause: unknown,
    readonly batchSize = 1,
  ) {
    const where =
      batchSize === 1
        ? `event ${event.id} (${event.type} at position ${event.position})`
        : `the batch of ${batchSize} events from position ${event.position}`;
    super(`projection ${projection} failed on ${where}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** Refuses options that give neither or both of `project` and `projectBatch`. */
export function checkProjectionOptions(options: Pick<ProjectionOptions, 'name' | 'project' | 'projectBatch'>): void {
  if (!options.project === !options.projectBatch) {
    throw new TypeError(`projection ${options.name}: give exactly one of project and projectBatch`);
  }
}

/** The advisory lock key of a projection: one active runner (or rebuild) per schema + name in a database. */
export const projectionLockKey = (schema: string, name: string) => `railyard:projection:${schema}.${name}`;

/** Logs warnings and errors to stderr when no logger is given; info is dropped. */
export const consoleProjectionLogger: ProjectionLogger = {
  info() {},
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

/**
 * Applies a batch in ONE transaction together with the checkpoint move from `from` to the batch's last position,
 * so rows and checkpoint commit or vanish together. Returns the new checkpoint.
 */
export async function applyBatch(
  options: Pick<ProjectionOptions, 'db' | 'schema' | 'name' | 'project' | 'projectBatch'>,
  from: bigint,
  batch: readonly RecordedEvent[],
): Promise<bigint> {
  const to = batch.at(-1)!.position;
  await options.db.transaction().execute(async (trx) => {
    // Committed without waiting for the WAL flush (an fsync, ~2.5 ms on the reference machine): a read model is
    // derived data. A crash may lose the last few batches, rows and checkpoint together, never one without the
    // other, and the runner re-applies them from the store. The events themselves commit synchronously.
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    await advanceCheckpoint(trx, options.schema, options.name, from, to);
    if (options.projectBatch) {
      try {
        await options.projectBatch(trx, batch);
      } catch (err) {
        throw new ProjectionFailedError(options.name, batch[0]!, err, batch.length);
      }
      return;
    }
    for (const event of batch) {
      try {
        await options.project!(trx, event);
      } catch (err) {
        throw new ProjectionFailedError(options.name, event, err);
      }
    }
  });
  return to;
}
