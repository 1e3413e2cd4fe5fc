import { testKurrent } from '@railyard/testing';
import { describe, it } from 'vitest';
import { eventStoreContract } from '../test-support/contract.js';
import { createKurrentEventStore } from './kurrentdb-store.js';

// KurrentDB runs where one is reachable: KURRENTDB_URL (e.g. kurrentdb://127.0.0.1:2113?tls=false), or a container
// where Docker exists. Otherwise the suite reports itself skipped, with the reason, rather than passing silently.
const kurrent = await testKurrent();
if ('url' in kurrent) {
  eventStoreContract('kurrentdb', async () => {
    const store = createKurrentEventStore({ connectionString: kurrent.url });
    return { store, dispose: () => store.close() };
  });
} else {
  console.warn(`event store contract: kurrentdb skipped: ${kurrent.skipped}`);
  describe('event store contract: kurrentdb', () => {
    it.skip(`skipped: ${kurrent.skipped}`, () => {});
  });
}
