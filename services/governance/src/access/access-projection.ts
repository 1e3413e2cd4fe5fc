import { AccessReviewClosed, AccessReviewOpened, parseStreamName } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import type { AnyTransaction } from '@railyard/readmodels';
import { applyGrantLedgerEvent, type GrantSql } from '@railyard/service-kit/grants';
import { CompiledQuery, sql } from 'kysely';

/** The kit's ledger speaks plain SQL; in a projection it runs on the projection's transaction. */
export const grantSqlOf = (trx: AnyTransaction): GrantSql => ({
  async query<R>(text: string, params: unknown[]) {
    const result = await trx.executeQuery(CompiledQuery.raw(text, params));
    return { rows: result.rows as R[], rowCount: Number(result.numAffectedRows ?? 0n) };
  },
});

async function projectAccess(trx: AnyTransaction, event: RecordedEvent): Promise<void> {
  const { category } = parseStreamName(event.streamId);
  if (category === 'grant') {
    // Governance's own grants reach its ledger from its store: no bus lag between issuing and who-could.
    await applyGrantLedgerEvent(grantSqlOf(trx), 'governance', event);
    return;
  }
  if (event.type === AccessReviewOpened.type) {
    const d = AccessReviewOpened.schema.parse(event.data);
    await sql`INSERT INTO governance.access_reviews (campaign_id, due_at, last_event_id)
      VALUES (${d.campaignId}, ${d.dueAt}, ${event.id}) ON CONFLICT (campaign_id) DO NOTHING`.execute(trx);
  } else if (event.type === AccessReviewClosed.type) {
    const d = AccessReviewClosed.schema.parse(event.data);
    await sql`UPDATE governance.access_reviews SET closed_at = ${d.closedAt}, last_event_id = ${event.id}
      WHERE campaign_id = ${d.campaignId}`.execute(trx);
  }
}

/**
 * Grants into the kit's ledger and campaigns' due dates, from governance's own streams. Idempotent per event (the
 * ledger ignores a repeated issue and keeps the first revocation), so a rebuild gives the same rows.
 */
export const accessProjection = {
  name: 'access',
  schema: 'governance',
  filter: { categories: ['grant', 'accessReview'] },
  project: projectAccess,
  async reset(trx: AnyTransaction) {
    await sql`TRUNCATE governance.grant_ledger, governance.access_reviews`.execute(trx);
  },
} as const;
