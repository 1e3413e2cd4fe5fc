import type { RecordedEvent } from '@railyard/eventstore';
import type { MessageHandler } from '@railyard/messaging';
import type { AnyTransaction } from '@railyard/readmodels';
import { applyGrantLedgerEvent, findHeldGrant, type GrantSql } from '@railyard/service-kit/grants';
import { CompiledQuery } from 'kysely';
import type pg from 'pg';

/** Where rotation eligibility's grant ledger lives (see migrations/rotations.ts). */
export const ROTATION_GRANTS_SCHEMA = 'rotation_grants';

/** Members eligible at `at`: those holding a `lead` grant on the environment then (the kit's ledger rule). */
export type EligibleMembers = (environment: string, members: readonly string[], at: Date) => Promise<string[]>;

export const eligibleMembersOf =
  (pool: pg.Pool): EligibleMembers =>
  async (environment, members, at) => {
    const eligible: string[] = [];
    for (const principal of new Set(members)) {
      const grant = await findHeldGrant(pool, ROTATION_GRANTS_SCHEMA, {
        principal,
        privilege: 'lead',
        environment,
        at,
      });
      if (grant) eligible.push(principal);
    }
    return eligible;
  };

const kyselySql = (trx: AnyTransaction): GrantSql => ({
  async query(text, params) {
    const result = await trx.executeQuery(CompiledQuery.raw(text, params));
    return { rows: result.rows as never[], rowCount: Number(result.numAffectedRows ?? 0n) };
  },
});

/**
 * Governance's own grant events (`grant-*`) into the rotation ledger: a projection over its own category, so
 * eligibility never depends on another engineer's grant tables. The ledger's upserts are idempotent.
 */
export const rotationGrantsProjection = {
  name: 'rotation-grants',
  schema: 'governance',
  filter: { categories: ['grant'] },
  async project(trx: AnyTransaction, event: RecordedEvent) {
    await applyGrantLedgerEvent(kyselySql(trx), ROTATION_GRANTS_SCHEMA, event);
  },
  /** For `railyard rebuild rotation-grants`: the grants only (the tiers come from a consumer and stay). */
  async reset(trx: AnyTransaction) {
    await trx.executeQuery(CompiledQuery.raw(`DELETE FROM ${ROTATION_GRANTS_SCHEMA}.grant_ledger`, []));
  },
};

/** Orchestration's EnvironmentRegistered (the tiers a tier-scoped lead grant covers), from `governance--rotation-tiers`. */
export const rotationTiersHandler: MessageHandler = async (event, ctx) => {
  await applyGrantLedgerEvent(ctx.tx, ROTATION_GRANTS_SCHEMA, event);
};

/** Monitoring's AnomalyEscalated (a page), from `governance--rotation-pages`: counted per member on call then. */
export const rotationPagesHandler: MessageHandler = async (event, ctx) => {
  if (event.type !== 'AnomalyEscalated') return;
  const d = event.data as { anomalyId: string; environment: string | null; escalatedAt: string };
  await ctx.tx.query(
    `INSERT INTO governance.rotation_pages (event_id, anomaly_id, environment, escalated_at)
     VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING`,
    [event.id, d.anomalyId, d.environment, d.escalatedAt],
  );
};
