import { GrantScope, Privilege } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { ACCESS_READERS } from '../access-store.js';

const DAY_MS = 86_400_000;
/** The privileges whose uses governance observes (a lead's use is not an event of its own yet). */
const OBSERVED = ['deploy', 'approve'] as const;

const Query = z.strictObject({
  days: z.coerce.number().int().min(1).max(3650),
  privilege: z.enum(OBSERVED).optional(),
});

const Item = z.object({
  grantId: z.uuid(),
  principal: z.string(),
  privilege: Privilege,
  scope: GrantScope,
  issuedBy: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUse: z
    .object({ at: z.string(), environment: z.string().nullable(), eventId: z.uuid() })
    .nullable()
    .describe('The last deployment requested (deploy) or approval granted (approve) under it; null: never.'),
});
const Answer = z.object({
  at: z.string(),
  since: z.string().describe('Unused since this instant (now minus `days`).'),
  items: z.array(Item),
});

interface Row {
  grant_id: string;
  principal: string;
  privilege: z.infer<typeof Privilege>;
  environment: string | null;
  tier: string | null;
  issued_by: string;
  issued_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_used_environment: string | null;
  last_use_event_id: string | null;
}

/**
 * GET /access/stale?days=N — grants holding now that their principal has not used for N days (and that are at
 * least N days old), each with its last use. A use is one of the principal's deployments requested (pipeline's
 * DeploymentRequested, by its actor) or approvals granted (ApprovalGranted) on an environment the grant covers.
 */
export const staleGrantsRoute: FastifyPluginAsyncZod<{ pool: pg.Pool; now: () => Date }> = async (
  app,
  { pool, now },
) => {
  app.get(
    '/access/stale',
    {
      config: { roles: [...ACCESS_READERS] },
      schema: {
        summary: 'Grants unused for N days, with their last use',
        description: 'Deploy and approve grants only: those are the privileges whose uses are events.',
        tags: ['access'],
        querystring: Query,
        response: { 200: Answer },
      },
    },
    async (request) => {
      const at = now();
      const since = new Date(at.getTime() - request.query.days * DAY_MS);
      const privileges = request.query.privilege ? [request.query.privilege] : [...OBSERVED];
      const { rows } = await pool.query<Row>(
        `WITH held AS (
           SELECT g.* FROM governance.grant_ledger g
            WHERE g.privilege = ANY($3) AND g.issued_at <= $1 AND (g.revoked_at IS NULL OR g.revoked_at > $1)
              AND (g.expires_at IS NULL OR g.expires_at > $1)
         ), uses AS (
           SELECT u.principal, u.privilege, coalesce(u.environment, a.environment) AS environment, u.used_at,
                  u.event_id
             FROM governance.access_uses u LEFT JOIN governance.approval_environments a USING (run_id, stage)
            WHERE u.used_at <= $1
         )
         SELECT h.*, lu.used_at AS last_used_at, lu.environment AS last_used_environment,
                lu.event_id AS last_use_event_id
           FROM held h
           LEFT JOIN LATERAL (
             SELECT u.used_at, u.environment, u.event_id FROM uses u
               LEFT JOIN governance.grant_environment_tiers t ON t.environment = u.environment
              WHERE u.principal = h.principal AND u.privilege = h.privilege
                AND (u.environment = h.environment OR (h.tier IS NOT NULL AND t.tier = h.tier))
              ORDER BY u.used_at DESC LIMIT 1
           ) lu ON true
          WHERE h.issued_at <= $2 AND (lu.used_at IS NULL OR lu.used_at < $2)
          ORDER BY h.principal, h.issued_at, h.grant_id`,
        [at, since, privileges],
      );
      return {
        at: at.toISOString(),
        since: since.toISOString(),
        items: rows.map((r) => ({
          grantId: r.grant_id,
          principal: r.principal,
          privilege: r.privilege,
          scope: (r.environment ? { environment: r.environment } : { tier: r.tier }) as z.infer<typeof GrantScope>,
          issuedBy: r.issued_by,
          issuedAt: r.issued_at.toISOString(),
          expiresAt: r.expires_at?.toISOString() ?? null,
          lastUse:
            r.last_used_at && r.last_use_event_id
              ? { at: r.last_used_at.toISOString(), environment: r.last_used_environment, eventId: r.last_use_event_id }
              : null,
        })),
      };
    },
  );
};
