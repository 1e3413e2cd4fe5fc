import type { Privilege } from '@railyard/contracts';
import {
  environmentTier,
  findHeldGrant,
  type GrantSql,
  grantRequiredFor,
  type HeldGrant,
} from '@railyard/service-kit/grants';
import { CompiledQuery, type Kysely } from 'kysely';

/** The ledger's schema in this service (grantLedgerMigration runs in schema `pipeline`). */
export const GRANT_LEDGER_SCHEMA = 'pipeline';

/** What the approval slice asks: does this environment need a grant, and which one did the principal hold at T? */
export interface GrantLedger {
  held(q: {
    principal: string;
    privilege: Privilege;
    environment: string;
    at: Date;
  }): Promise<{ required: boolean; grant: HeldGrant | null }>;
}

/** The ledger's SQL over the service's kysely (its pool), so the app needs no second handle on the database. */
export const kyselyGrantSql = (db: Kysely<unknown>): GrantSql => ({
  async query<R extends Record<string, unknown>>(text: string, params: unknown[]) {
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, params));
    return { rows: result.rows };
  },
});

/**
 * The grant ledger of @railyard/service-kit/grants, learnt by `pipeline--grants` and `pipeline--environment-tiers`:
 * whether the environment needs a grant (grantRequiredFor, over the tier orchestration registered) and the grant held.
 */
export function createGrantLedger(sqlOf: GrantSql, schema = GRANT_LEDGER_SCHEMA): GrantLedger {
  return {
    async held(q) {
      const tier = await environmentTier(sqlOf, schema, q.environment);
      if (!grantRequiredFor(q.environment, tier)) return { required: false, grant: null };
      return { required: true, grant: await findHeldGrant(sqlOf, schema, q) };
    },
  };
}
