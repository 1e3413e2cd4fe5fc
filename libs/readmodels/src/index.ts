export {
  advanceCheckpoint,
  CHECKPOINT_TABLE,
  CheckpointMovedError,
  ensureCheckpointTable,
  readCheckpoint,
} from './checkpoints.js';
export {
  type AnyDb,
  type AnyTransaction,
  type CreateDbOptions,
  createDb,
  databaseNameOf,
  ensureDatabase,
  maintenanceDatabaseUrl,
  poolOf,
} from './db.js';
export * from './lag-headers.js';
export * from './migrate-schema.js';
export {
  consoleProjectionLogger,
  type ProjectBatchFn,
  type ProjectFn,
  ProjectionFailedError,
  type ProjectionLogger,
  type ProjectionOptions,
  projectionLockKey,
} from './projection.js';
export * from './projection-runner.js';
export * from './rebuild-projection.js';
