import type { MessageHandler } from '@railyard/messaging';
import { findHeldGrant } from '@railyard/service-kit/grants';
import type pg from 'pg';

/**
 * Where rotation eligibility's grant ledger lives: the access ledger (governance.grant_ledger), which the `access`
 * projection keeps from governance's own grant events and `governance--environments` from orchestration's tiers.
 */
export const ROTATION_GRANTS_SCHEMA = 'governance';

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
