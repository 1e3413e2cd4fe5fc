import type { EventStore } from '@railyard/eventstore';
import type { MigrationGuard } from '../rollout-ports.js';
import { rollbackBlocker } from './domain/schema.js';
import { loadSchema } from './plan-store.js';

/**
 * The MigrationGuard a rollback asks first (rollout-ports.ts, O2): refused across an applied migration the target
 * version cannot run on when that migration is irreversible or a contract, naming it. Folded from the service's
 * schema stream, so it is never behind.
 */
export function createMigrationGuard(store: EventStore): MigrationGuard {
  return {
    async rollbackAllowed({ service, environment, toVersion }) {
      const blocker = rollbackBlocker(await loadSchema(store, service), environment, toVersion);
      return blocker ? { allowed: false, ...blocker } : { allowed: true };
    },
  };
}
