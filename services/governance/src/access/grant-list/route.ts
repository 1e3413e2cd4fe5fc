import { ErrorCodes, GrantScope, Privilege } from '@railyard/contracts';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import { type FastifyPluginAsyncZod, HttpProblem, pageOf } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { ACCESS_READERS } from '../access-store.js';

const Query = z.strictObject({
  principal: z.string().min(1).max(200).optional(),
  privilege: Privilege.optional(),
  environment: z
    .string()
    .min(1)
    .max(63)
    .optional()
    .describe('Grants that apply to this environment: on it by name, or on its tier.'),
  active: z.enum(['true', 'false']).optional().describe('true: holding now; false: revoked or expired; omitted: both.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page.'),
});

const Item = z.object({
  grantId: z.uuid(),
  principal: z.string(),
  privilege: Privilege,
  scope: GrantScope,
  issuedBy: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  active: z.boolean(),
});
const Page = pageOf('GrantSummary', Item);

// The cursor is the sort key of the last row returned: (issued_at, grant_id), base64url-encoded.
const encodeCursor = (issuedAt: Date, id: string) =>
  Buffer.from(`${issuedAt.toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { issuedAt: string; id: string } {
  const [issuedAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!issuedAt || !id || Number.isNaN(Date.parse(issuedAt)) || !z.uuid().safeParse(id).success) {
    throw new HttpProblem(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this API returned.', {
      issues: [{ path: 'querystring/cursor', message: 'unknown cursor' }],
    });
  }
  return { issuedAt, id };
}

interface Row {
  grant_id: string;
  principal: string;
  privilege: z.infer<typeof Privilege>;
  environment: string | null;
  tier: string | null;
  issued_by: string;
  issued_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  active: boolean;
}

export interface GrantListDeps {
  pool: pg.Pool;
  now: () => Date;
  runner?: ProjectionRunner;
}

/** GET /grants — grants by issue time, from the ledger governance keeps of its own grant events. */
export const grantListRoute: FastifyPluginAsyncZod<GrantListDeps> = async (app, { pool, now, runner }) => {
  app.get(
    '/grants',
    {
      config: { roles: [...ACCESS_READERS] },
      schema: {
        summary: 'List grants',
        description: 'Grants by issue time, filtered; from the projection (headers say how far behind it is).',
        tags: ['access'],
        querystring: Query,
        response: { 200: Page },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const params: unknown[] = [now()];
      const where: string[] = [];
      const p = (v: unknown) => {
        params.push(v);
        return `$${params.length}`;
      };
      if (q.principal) where.push(`g.principal = ${p(q.principal)}`);
      if (q.privilege) where.push(`g.privilege = ${p(q.privilege)}`);
      if (q.environment) {
        const env = p(q.environment);
        where.push(`(g.environment = ${env} OR g.tier = (SELECT tier FROM governance.grant_environment_tiers
          WHERE environment = ${env}))`);
      }
      // The kit's rule for "holds at T", with T = now.
      const holds = `(g.issued_at <= $1 AND (g.revoked_at IS NULL OR g.revoked_at > $1)
        AND (g.expires_at IS NULL OR g.expires_at > $1))`;
      if (q.active === 'true') where.push(holds);
      if (q.active === 'false') where.push(`NOT ${holds}`);
      if (q.cursor) {
        const after = decodeCursor(q.cursor);
        where.push(`(g.issued_at, g.grant_id) > (${p(after.issuedAt)}::timestamptz, ${p(after.id)}::uuid)`);
      }
      const { rows } = await pool.query<Row>(
        `SELECT g.*, ${holds} AS active FROM governance.grant_ledger g
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY g.issued_at, g.grant_id LIMIT ${p(q.limit + 1)}`,
        params,
      );
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      if (runner) reply.headers({ ...(await projectionLagHeaders(runner)) });
      return reply.send({
        items: page.map((r) => ({
          grantId: r.grant_id,
          principal: r.principal,
          privilege: r.privilege,
          scope: (r.environment ? { environment: r.environment } : { tier: r.tier }) as z.infer<typeof GrantScope>,
          issuedBy: r.issued_by,
          issuedAt: r.issued_at.toISOString(),
          expiresAt: r.expires_at?.toISOString() ?? null,
          revokedAt: r.revoked_at?.toISOString() ?? null,
          active: r.active,
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.issued_at, last.grant_id) : null,
      });
    },
  );
};
