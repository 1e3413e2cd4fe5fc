export * from './catalogue.js';
export * from './command-handler.js';
export * from './decider.js';
export { createMemoryEventStore } from './memory/memory-store.js';
export * from './port.js';
