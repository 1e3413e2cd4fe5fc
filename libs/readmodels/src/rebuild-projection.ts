import { acquireLease, type RecordedEvent } from '@railyard/eventstore';
import { ensureCheckpointTable, readCheckpoint, resetCheckpoint } from './checkpoints.js';
import { type AnyTransaction, poolOf } from './db.js';
import {
  applyBatch,
  checkProjectionOptions,
  consoleProjectionLogger,
  type ProjectionOptions,
  projectionLockKey,
} from './projection.js';
import { sleep } from './sleep.js';

export interface RebuildProjectionOptions extends ProjectionOptions {
  /** Empties the projection's tables (delete or truncate), in the same transaction that resets the checkpoint. */
  reset: (trx: AnyTransaction) => Promise<void>;
  /** Wait for a running instance of the projection to stop, instead of failing at once (default false). */
  waitForLock?: boolean;
  /** How long to wait for events the store does not show yet, up to the previous checkpoint (default 60 s). */
  catchUpTimeoutMs?: number;
}

export interface RebuildResult {
  /** Events replayed into the projection. */
  events: number;
  /** Wall time of the rebuild, reset included. */
  ms: number;
  /** The checkpoint the rebuild left: a runner started afterwards continues from here. */
  position: bigint;
}

/** Raised when the projection is running somewhere (it holds the lock), so a rebuild would race it. */
export class ProjectionBusyError extends Error {
  override readonly name = 'ProjectionBusyError';
  constructor(readonly projection: string) {
    super(`projection ${projection} is running elsewhere (it holds its lock): stop it before rebuilding`);
  }
}

/**
 * Drops a projection's rows and replays the whole store into it: reset and checkpoint reset in one transaction,
 * then readAll in pages of batchSize, one transaction per page, the next page fetched while the current one applies,
 * at least up to the checkpoint the projection had before.
 * Holds the projection's lock throughout, so no live runner interleaves. Yields the rows the live runner would.
 */
export async function rebuildProjection(options: RebuildProjectionOptions): Promise<RebuildResult> {
  checkProjectionOptions(options);
  const { store, db, schema, name, filter } = options;
  const pageSize = options.batchSize ?? 2000;
  const logger = options.logger ?? consoleProjectionLogger;
  const started = performance.now();
  await ensureCheckpointTable(db, schema);
  const lock = await acquireLease(poolOf(db), projectionLockKey(schema, name), {
    wait: options.waitForLock ?? false,
    pollMs: 100,
  });
  if (!lock) throw new ProjectionBusyError(`${schema}.${name}`);
  try {
    // Where the live projection (or the store's visible head) was: the rebuild replays at least that far.
    const [previous, head] = await Promise.all([readCheckpoint(db, schema, name), store.headPosition(filter)]);
    // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints.
    const target = previous > head ? previous : head;
    await db.transaction().execute(async (trx) => {
      await options.reset(trx);
      await resetCheckpoint(trx, schema, name);
    });
    let position = 0n;
    let events = 0;
    const read = (after: bigint) => {
      const page = store.readAll({ after, limit: pageSize, filter });
      // Prefetched pages may be abandoned when an apply fails; that rejection is not the one to report.
      page.catch(() => undefined);
      return page;
    };
    const deadline = Date.now() + (options.catchUpTimeoutMs ?? 60_000);
    let next = read(0n);
    for (;;) {
      if (lock.lost.aborted) throw new Error(`projection ${name}: lock connection lost during rebuild`);
      const page: RecordedEvent[] = await next;
      const full = page.length === pageSize;
      if (full) next = read(page.at(-1)!.position);
      if (page.length > 0) {
        position = await applyBatch(options, position, page);
        events += page.length;
      }
      if (full) continue;
      // A short page is the end of what readers may see now. The store hides events behind transactions still
      // in flight anywhere on the server, so wait for the log to show at least what the live projection had.
      if (position >= target) break;
      if (Date.now() > deadline) {
        logger.warn(
          { projection: name, schema, position: position.toString(), target: target.toString() },
          'rebuild stopped short of the previous checkpoint; the live runner will continue from here',
        );
        break;
      }
      await sleep(20);
      next = read(position);
    }
    return { events, ms: performance.now() - started, position };
  } finally {
    await lock.release();
  }
}
