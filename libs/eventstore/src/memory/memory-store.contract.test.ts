import { createMemoryEventStore } from './memory-store.js';
import { eventStoreContract } from '../test-support/contract.js';

eventStoreContract('memory', async () => {
  const store = createMemoryEventStore();
  return { store, dispose: () => store.close() };
});
