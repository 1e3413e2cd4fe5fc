import { eventStoreContract } from '../test-support/contract.js';
import { createMemoryEventStore } from './memory-store.js';

eventStoreContract('memory', async () => {
  const store = createMemoryEventStore();
  return { store, dispose: () => store.close() };
});
