import { describe, it } from 'vitest';
import { eventStoreContract } from '../test-support/contract.js';
import { createKurrentEventStore } from './kurrentdb-store.js';

// KurrentDB runs only where one is reachable: KURRENTDB_URL (e.g. kurrentdb://127.0.0.1:2113?tls=false).
// Without it the suite reports itself skipped, with the reason, rather than passing silently.
const url = process.env.KURRENTDB_URL;
if (url) {
  eventStoreContract('kurrentdb', async () => {
    const store = createKurrentEventStore({ connectionString: url });
    return { store, dispose: () => store.close() };
  });
} else {
  describe('event store contract: kurrentdb', () => {
    it.skip('skipped: KURRENTDB_URL is not set and no Docker engine is available here to start KurrentDB', () => {});
  });
}
