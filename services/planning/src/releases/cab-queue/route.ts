import { projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ReleaseListDeps } from '../release-list/route.js';

const Query = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });
const Item = z.object({
  releaseId: z.uuid(),
  name: z.string(),
  round: z.number().int(),
  submittedAt: z.string(),
  riskScore: z.number(),
  riskLevel: z.string(),
  quorum: z.number().int(),
  approvals: z.number().int(),
  slotDate: z.string().nullable(),
});

/** GET /cab-queue — releases waiting for a CAB decision, riskiest first, with how many approvals they still need. */
export const cabQueueRoute: FastifyPluginAsyncZod<ReleaseListDeps> = async (app, { db, runner }) => {
  app.get(
    '/cab-queue',
    {
      config: { roles: ['cab-member', 'release-manager', 'auditor'] },
      schema: {
        summary: 'CAB queue with risk',
        description: 'Releases waiting for a CAB decision, riskiest first, with how many approvals they still need.',
        tags: ['read-models'],
        querystring: Query,
        response: { 200: z.object({ items: z.array(Item) }) },
      },
    },
    async (request, reply) => {
      const [rows, lag] = await Promise.all([
        db
          .selectFrom('planning.release_list')
          .selectAll()
          // `date` as text: the pg driver would turn it into a local-midnight Date.
          .select(sql<string | null>`slot_date::text`.as('slot_day'))
          .where('cab_state', '=', 'in-review')
          .orderBy('risk_score', 'desc')
          .orderBy('cab_submitted_at')
          .limit(request.query.limit)
          .execute(),
        projectionLagHeaders(runner),
      ]);
      return reply.headers({ ...lag }).send({
        items: rows.map((r) => ({
          releaseId: r.release_id,
          name: r.name,
          round: r.cab_round ?? 1,
          submittedAt: new Date(r.cab_submitted_at ?? r.planned_at).toISOString(),
          riskScore: r.risk_score ?? 0,
          riskLevel: r.risk_level ?? 'low',
          quorum: r.cab_quorum ?? 1,
          approvals: r.cab_approvals ?? 0,
          slotDate: r.slot_day,
        })),
      });
    },
  );
};
