import { randomUUID } from 'node:crypto';
import {
  accessReviewStream,
  GovernanceErrorCodes as Codes,
  DomainError,
  grantStream,
  notFound,
} from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
import { startLeasedTicker } from '@railyard/service-kit/backbone';
import type pg from 'pg';
import { type AccessReviewCommands, type GrantCommands, loadAccessReview } from './access-store.js';
import { closePlan } from './domain/access-review.decide.js';

export interface ReviewCloserDeps {
  store: EventStore;
  grants: GrantCommands;
  reviews: AccessReviewCommands;
}

/**
 * Closes a campaign that is due: first the revocations on the grants' own streams (each a GrantRevoked with the
 * campaign's id, which the enforcing services' ledgers learn), then AccessReviewClosed with the tally. A grant
 * already revoked (by hand, or by a close that crashed half-way) is left as it is, so a retried close completes
 * the work and emits nothing twice. Closing a closed campaign changes nothing.
 */
export async function closeAccessReview(deps: ReviewCloserDeps, campaignId: string, ctx: CommandContext) {
  const loaded = await loadAccessReview(deps.store, campaignId);
  const s = loaded.state;
  if (!s.exists) throw notFound(Codes.ACCESS_REVIEW_NOT_FOUND, 'No access review campaign with this id.');
  if (!s.closed && ctx.now.getTime() >= new Date(s.dueAt).getTime()) {
    const grantCtx: CommandContext = {
      actor: ctx.actor,
      now: ctx.now,
      correlationId: ctx.correlationId,
      causationId: loaded.events.at(-1)?.id ?? ctx.correlationId,
    };
    for (const { item, justification } of closePlan(s).revoke) {
      const reason = justification
        ? `Access review "${s.name}": revoked by ${s.decisions[item.grantId]?.decidedBy}: ${justification}`
        : `Access review "${s.name}": no decision by ${s.dueAt} (onNoDecision=revoke)`;
      try {
        await deps.grants.handle(
          grantStream(item.grantId),
          { type: 'RevokeGrant', reason: reason.slice(0, 2000), campaignId, actor: ctx.actor.id, at: ctx.now },
          grantCtx,
        );
      } catch (err) {
        if (!(err instanceof DomainError && err.code === Codes.GRANT_ALREADY_REVOKED)) throw err;
      }
    }
  }
  return deps.reviews.handle(
    accessReviewStream(campaignId),
    { type: 'CloseAccessReview', actor: ctx.actor.id, at: ctx.now },
    ctx,
  );
}

export interface ReviewScheduler {
  /** One pass: closes every campaign due at the service clock's now. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Closes campaigns on their due date, on the service clock. Single-active under the kit's advisory lease (DESIGN
 * §1), as orchestration's deployment scheduler: a standby replica takes over when the holder dies.
 */
export function startAccessReviewScheduler(
  deps: ReviewCloserDeps & { pool: pg.Pool; now: () => Date; intervalMs: number; logger: Logger },
): ReviewScheduler {
  const { logger } = deps;
  async function tick(now: Date) {
    const { rows } = await deps.pool.query<{ campaign_id: string }>(
      `SELECT campaign_id FROM governance.access_reviews WHERE closed_at IS NULL AND due_at <= $1 ORDER BY due_at`,
      [now],
    );
    for (const { campaign_id: id } of rows) {
      const ctx: CommandContext = {
        actor: { id: 'governance', kind: 'system', roles: [] },
        now,
        correlationId: randomUUID(),
      };
      await closeAccessReview(deps, id, ctx).catch((err) =>
        logger.warn({ err, campaignId: id }, 'closing an access review failed'),
      );
    }
  }
  const ticker = startLeasedTicker({
    pool: deps.pool,
    leaseName: 'governance:access-review-closer',
    name: 'access review closer',
    intervalMs: deps.intervalMs,
    now: deps.now,
    tick,
    logger,
  });
  return { tick: ticker.tick, stop: ticker.stop };
}
