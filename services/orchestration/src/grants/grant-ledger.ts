import { type EnvironmentTier, OrchestrationErrorCodes, type Privilege } from '@railyard/contracts';
import { HttpProblem } from '@railyard/service-kit';
import {
  environmentTier,
  findHeldGrant,
  type GrantSql,
  grantRequiredFor,
  type HeldGrant,
} from '@railyard/service-kit/grants';
import { CompiledQuery, type Kysely } from 'kysely';

/** The ledger's schema in this service (grantLedgerMigration runs in schema `orchestration`). */
export const GRANT_LEDGER_SCHEMA = 'orchestration';

export interface GrantAsked {
  principal: string;
  /** Any one of these privileges will do (the first held, in this order, is the one reported). */
  privileges: readonly Privilege[];
  environment: string;
  /** The environment's tier when the caller knows it (orchestration's own environment); else the ledger's. */
  tier?: EnvironmentTier | null;
  at: Date;
}

/**
 * Governance's grants as orchestration learnt them (`orchestration--grants`, `orchestration--environment-tiers`;
 * @railyard/service-kit/grants states the rule once): does the environment need a grant, and which did the principal
 * hold at the instant asked about?
 */
export interface GrantLedger {
  held(q: GrantAsked): Promise<{ required: boolean; grant: HeldGrant | null }>;
}

/** The ledger's SQL over a kysely instance (the app's), so routes need no second handle on the database. */
export const kyselyGrantSql = (db: Kysely<unknown>): GrantSql => ({
  async query<R extends Record<string, unknown>>(text: string, params: unknown[]) {
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, params));
    return { rows: result.rows };
  },
});

export function createGrantLedger(sqlOf: GrantSql, schema = GRANT_LEDGER_SCHEMA): GrantLedger {
  return {
    async held(q) {
      const tier = q.tier !== undefined ? q.tier : await environmentTier(sqlOf, schema, q.environment);
      if (!grantRequiredFor(q.environment, tier)) return { required: false, grant: null };
      for (const privilege of q.privileges) {
        const grant = await findHeldGrant(sqlOf, schema, {
          principal: q.principal,
          privilege,
          environment: q.environment,
          at: q.at,
        });
        if (grant) return { required: true, grant };
      }
      return { required: true, grant: null };
    },
  };
}

/**
 * 403 ORCHESTRATION_GRANT_REQUIRED unless the principal holds one of the privileges on a prod-tier environment (or
 * the environment needs none). A token role alone is never enough: admins need a grant too (G2).
 */
export async function requireGrant(ledger: GrantLedger, q: GrantAsked, what: string): Promise<void> {
  const { required, grant } = await ledger.held(q);
  if (!required || grant) return;
  throw new HttpProblem(
    403,
    OrchestrationErrorCodes.GRANT_REQUIRED,
    `To ${what} in ${q.environment}, ${q.principal} needs a ${q.privileges.join(' or ')} grant on it; none holds now.`,
    { principal: q.principal, privileges: q.privileges, environment: q.environment },
  );
}

/** The failing or passing `grant` line of a deployment's checks (DeploymentScheduled / DeploymentRefused). */
export function deployGrantCheck(
  requester: string,
  environment: string,
  at: Date,
  held: { required: boolean; grant: HeldGrant | null },
): { check: 'grant'; passed: boolean; reason: string } | null {
  if (!held.required) return null;
  if (held.grant) {
    return {
      check: 'grant',
      passed: true,
      reason: `${requester} holds deploy grant ${held.grant.grantId} on ${environment}.`,
    };
  }
  return {
    check: 'grant',
    passed: false,
    reason: `${OrchestrationErrorCodes.GRANT_REQUIRED}: ${requester} held no deploy grant on ${environment} at ${at.toISOString()}.`,
  };
}
