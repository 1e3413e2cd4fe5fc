export * from './catalogue.js';
export * from './command-handler.js';
export * from './decider.js';
export { createMemoryEventStore } from './memory/memory-store.js';
export * from './port.js';
export { createPostgresEventStore, type PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-store.js';
export { sealLog, verifyLog, type SealResult, type VerifyProblem, type VerifyReport } from './postgres/integrity.js';
export { openEventStore } from './open-store.js';
