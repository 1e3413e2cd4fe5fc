import { acquireLease, type Lease, readyBatches } from '@railyard/eventstore';
import { ensureCheckpointRow, ensureCheckpointTable, readCheckpoint } from './checkpoints.js';
import { poolOf } from './db.js';
import {
  applyBatch,
  checkProjectionOptions,
  consoleProjectionLogger,
  type ProjectionOptions,
  projectionLockKey,
} from './projection.js';
import { sleep } from './sleep.js';

export interface ProjectionRunnerOptions extends ProjectionOptions {
  /** First wait after a failed batch; doubles per consecutive failure up to 30 s (default 1000). */
  retryDelayMs?: number;
  /** How often the lock connection is checked while active (default 5000). */
  heartbeatMs?: number;
  /** How often a standby retries the lock (default 1000): bounds how long a failover takes. */
  lockPollMs?: number;
}

export type ProjectionRunnerState = 'stopped' | 'standby' | 'active';

export interface ProjectionRunnerStatus {
  state: ProjectionRunnerState;
  /** The last failure (a projection error, a lost lock…), cleared by the next committed batch. */
  lastError?: Error;
}

export interface ProjectionRunner {
  readonly name: string;
  /** Creates the checkpoint table if needed and starts competing for the lock; resolves without waiting for it. */
  start(): Promise<void>;
  /** Finishes the batch in flight, releases the lock, stops. */
  stop(): Promise<void>;
  isActive(): boolean;
  status(): ProjectionRunnerStatus;
  /** The last committed checkpoint: this runner's own when active, else read from the table. */
  position(): Promise<bigint>;
  /** How far behind the store the checkpoint is, in global positions (0n when caught up). */
  lag(): Promise<number>;
  /** Resolves with the checkpoint once it reaches `position`; rejects after `timeoutMs` (default 5000). */
  waitFor(position: bigint, timeoutMs?: number): Promise<bigint>;
}

// A standby has no local commits to wake it, so its waitFor polls the checkpoint table at this interval.
const STANDBY_POLL_MS = 20;
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * A projection runner: follows `store.subscribe` from its checkpoint and applies events in transactions that also
 * move the checkpoint. Consecutive events already available are grouped (up to batchSize) into one transaction.
 * Single-active across replicas under a Postgres advisory lock; the others wait as standbys.
 */
export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  checkProjectionOptions(options);
  const { store, db, name, schema, filter } = options;
  const batchSize = options.batchSize ?? 500;
  const logger = options.logger ?? consoleProjectionLogger;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const log = { projection: name, schema };

  let state: ProjectionRunnerState = 'stopped';
  let lastError: Error | undefined;
  let committed = 0n;
  let stopCtl = new AbortController();
  let loop: Promise<void> | undefined;
  const commitWaiters = new Set<() => void>();

  const notifyCommit = () => {
    for (const w of commitWaiters) w();
  };

  /** Follows the store while the lock is held; returns when stopped, throws on failure or lost lock. */
  async function follow(lock: Lease): Promise<void> {
    await ensureCheckpointRow(db, schema, name);
    committed = await readCheckpoint(db, schema, name);
    // Active only now: position() must not report a checkpoint from an earlier turn (a rebuild may have reset it).
    state = 'active';
    logger.info({ ...log, checkpoint: committed.toString() }, 'projection active');
    notifyCommit();
    const subCtl = new AbortController();
    // AbortSignal.any also covers a stop or a lost lock that happened during the awaits above.
    const signal = AbortSignal.any([subCtl.signal, stopCtl.signal, lock.lost]);
    const events = store.subscribe({ after: committed, filter, signal, batchSize });
    try {
      for await (const batch of readyBatches(events, batchSize)) {
        committed = await applyBatch(options, committed, batch);
        lastError = undefined;
        notifyCommit();
      }
      if (lock.lost.aborted) throw new Error(`projection ${name}: lock connection lost`, { cause: lock.lost.reason });
    } finally {
      // Ends a store read the batching left in flight (readyBatches closes the subscription once it settles).
      subCtl.abort();
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopCtl.signal.aborted) {
      state = 'standby';
      let lock: Lease | null;
      try {
        lock = await acquireLease(poolOf(db), projectionLockKey(schema, name), {
          wait: true,
          signal: stopCtl.signal,
          pollMs: options.lockPollMs,
          heartbeatMs: options.heartbeatMs,
        });
      } catch (err) {
        lock = null;
        failures++;
        lastError = err as Error;
        logger.error({ ...log, err }, 'projection lock acquisition failed');
      }
      if (lock) {
        try {
          await follow(lock);
          failures = 0;
        } catch (err) {
          failures++;
          lastError = err as Error;
          logger.error({ ...log, err, checkpoint: committed.toString() }, 'projection stopped on error; will retry');
        } finally {
          state = 'standby';
          await lock.release();
        }
      }
      if (failures > 0) await sleep(Math.min(retryDelayMs * 2 ** (failures - 1), MAX_RETRY_DELAY_MS), stopCtl.signal);
    }
    state = 'stopped';
  }

  const runner: ProjectionRunner = {
    name,
    async start() {
      if (loop) return;
      await ensureCheckpointTable(db, schema);
      stopCtl = new AbortController();
      state = 'standby';
      loop = run();
    },
    async stop() {
      if (!loop) return;
      stopCtl.abort();
      await loop;
      loop = undefined;
      state = 'stopped';
      notifyCommit();
    },
    isActive: () => state === 'active',
    status: () => ({ state, ...(lastError ? { lastError } : {}) }),
    async position() {
      return state === 'active' ? committed : readCheckpoint(db, schema, name);
    },
    async lag() {
      return store.countAfter(await runner.position(), filter);
    },
    async waitFor(target, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const at = await runner.position();
        if (at >= target) return at;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `projection ${schema}.${name}: checkpoint ${at} did not reach ${target} within ${timeoutMs} ms`,
          );
        }
        // Wake on the next local commit, or poll: a standby (or a runner about to take over) sees no local commits.
        const waitCtl = new AbortController();
        const wake = () => waitCtl.abort();
        commitWaiters.add(wake);
        await sleep(Math.min(left, state === 'active' ? 250 : STANDBY_POLL_MS), waitCtl.signal);
        commitWaiters.delete(wake);
      }
    },
  };
  return runner;
}
