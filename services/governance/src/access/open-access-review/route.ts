import {
  type AccessReviewItem,
  AccessReviewScope,
  accessReviewStream,
  type GrantScope,
  NoDecisionRule,
  ReviewerRule,
} from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { type AccessReviewCommands, AccessReviewView, accessReviewView } from '../access-store.js';
import { reviewerOf } from '../domain/access-review.decide.js';

const Body = z.strictObject({
  name: z.string().trim().min(1).max(200),
  scope: AccessReviewScope,
  dueAt: z.iso.datetime({ offset: true }),
  reviewer: ReviewerRule.describe(
    "'issuer': each grant's issuer reviews it; { principal }: that principal reviews all.",
  ),
  onNoDecision: NoDecisionRule.default('revoke').describe('What the due date does to undecided items.'),
});

interface LedgerRow {
  grant_id: string;
  principal: string;
  privilege: AccessReviewItem['privilege'];
  environment: string | null;
  tier: string | null;
  issued_by: string;
  expires_at: Date | null;
}

/** The grants holding now within the campaign's scope, from the ledger. */
async function grantsInScope(pool: pg.Pool, scope: z.infer<typeof AccessReviewScope>, at: Date) {
  const params: unknown[] = [at];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [
    'g.issued_at <= $1 AND (g.revoked_at IS NULL OR g.revoked_at > $1) AND (g.expires_at IS NULL OR g.expires_at > $1)',
  ];
  if (scope.privileges) where.push(`g.privilege = ANY(${p(scope.privileges)})`);
  if (scope.environments || scope.tiers) {
    where.push(`(g.environment = ANY(${p(scope.environments ?? [])}) OR g.tier = ANY(${p(scope.tiers ?? [])}))`);
  }
  const { rows } = await pool.query<LedgerRow>(
    `SELECT * FROM governance.grant_ledger g WHERE ${where.join(' AND ')} ORDER BY g.issued_at, g.grant_id`,
    params,
  );
  return rows;
}

export interface OpenAccessReviewDeps {
  reviews: AccessReviewCommands;
  pool: pg.Pool;
  now: () => Date;
}

/** POST /access-reviews — opens a campaign over a snapshot of the grants in its scope that hold now. */
export const openAccessReviewRoute: FastifyPluginAsyncZod<OpenAccessReviewDeps> = async (
  app,
  { reviews, pool, now },
) => {
  app.post(
    '/access-reviews',
    {
      config: { roles: ['admin', 'auditor'] },
      schema: {
        summary: 'Open an access review campaign',
        description:
          'Snapshots the grants holding now in scope (privileges; grants on the environments or on the tiers) as ' +
          "items, each with its reviewer. On the due date undecided items follow onNoDecision ('revoke' by default).",
        tags: ['access'],
        body: Body,
        response: { 201: AccessReviewView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { dueAt, ...rest } = request.body;
      const items: AccessReviewItem[] = (await grantsInScope(pool, rest.scope, ctx.now)).map((g) => ({
        grantId: g.grant_id,
        principal: g.principal,
        privilege: g.privilege,
        scope: (g.environment ? { environment: g.environment } : { tier: g.tier }) as GrantScope,
        issuedBy: g.issued_by,
        expiresAt: g.expires_at?.toISOString() ?? null,
        reviewer: reviewerOf(rest.reviewer, { issuedBy: g.issued_by }),
      }));
      const campaignId = newAggregateId(ctx, 'accessReview');
      const result = await reviews.handle(
        accessReviewStream(campaignId),
        {
          type: 'OpenAccessReview',
          campaignId,
          ...rest,
          dueAt: new Date(dueAt),
          items,
          actor: ctx.actor.id,
          at: ctx.now,
        },
        ctx,
      );
      return reply
        .code(201)
        .header('location', `/access-reviews/${campaignId}`)
        .header('etag', etagOf(result.revision))
        .send(accessReviewView(result.state, result.revision, ctx.now));
    },
  );
};
