export * from './catalogue.js';
export * from './command-handler.js';
export * from './decider.js';
export { createMemoryEventStore } from './memory/memory-store.js';
export { openEventStore } from './open-store.js';
export * from './port.js';
export {
  type SealResult,
  sealLog,
  startSealer,
  type VerifyProblem,
  type VerifyReport,
  verifyLog,
} from './postgres/integrity.js';
export { type AcquireLeaseOptions, acquireLease, type Lease, runUnderLease } from './postgres/lease.js';
export {
  type ConnectionErrorListener,
  type ConnectionState,
  warnConnectionError,
  watchPoolErrors,
} from './postgres/pool-errors.js';
export {
  createPostgresEventStore,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgres/postgres-store.js';
export {
  checkStreamChains,
  type StreamChainCheck,
} from './postgres/stream-chain.js';
export { readyBatches } from './ready-batches.js';
