import { EnvironmentTier, Privilege } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { environmentTier, principalsHolding } from '@railyard/service-kit/grants';
import type pg from 'pg';
import { z } from 'zod';
import { ACCESS_READERS } from '../access-store.js';

const Query = z.strictObject({
  privilege: Privilege,
  environment: z.string().min(1).max(63),
  at: z.iso.datetime({ offset: true }).optional().describe('Any instant, past or future (default: now).'),
});

const HeldGrant = z.object({
  grantId: z.uuid(),
  scope: z.union([z.object({ environment: z.string() }), z.object({ tier: EnvironmentTier })]),
  issuedBy: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string().nullable(),
});
const Answer = z.object({
  privilege: Privilege,
  environment: z.string(),
  tier: EnvironmentTier.nullable().describe("The environment's tier as orchestration registered it (null: unknown)."),
  at: z.string(),
  principals: z.array(z.object({ principal: z.string(), grants: z.array(HeldGrant) })),
});

/**
 * GET /access/who-could — the principals who held a privilege on an environment at an instant, each with the grants
 * by which they held it. Answered from the whole history with the kit's one rule (issued ≤ T, not revoked ≤ T,
 * expiresAt > T), so a past instant gets the answer it would have got then.
 */
export const whoCouldRoute: FastifyPluginAsyncZod<{ pool: pg.Pool; now: () => Date }> = async (app, { pool, now }) => {
  app.get(
    '/access/who-could',
    {
      config: { roles: [...ACCESS_READERS] },
      schema: {
        summary: 'Who held a privilege on an environment at an instant',
        tags: ['access'],
        querystring: Query,
        response: { 200: Answer },
      },
    },
    async (request) => {
      const { privilege, environment } = request.query;
      const at = request.query.at ? new Date(request.query.at) : now();
      const held = await principalsHolding(pool, 'governance', { privilege, environment, at });
      const principals = new Map<string, z.infer<typeof HeldGrant>[]>();
      for (const g of held) {
        const list = principals.get(g.principal) ?? [];
        list.push({
          grantId: g.grantId,
          scope: g.environment ? { environment: g.environment } : { tier: g.tier as z.infer<typeof EnvironmentTier> },
          issuedBy: g.issuedBy,
          issuedAt: g.issuedAt.toISOString(),
          expiresAt: g.expiresAt?.toISOString() ?? null,
        });
        principals.set(g.principal, list);
      }
      return {
        privilege,
        environment,
        tier: await environmentTier(pool, 'governance', environment),
        at: at.toISOString(),
        principals: [...principals].map(([principal, grants]) => ({ principal, grants })),
      };
    },
  );
};
