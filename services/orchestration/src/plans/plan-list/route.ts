import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { pageOf } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { decodeCursor, encodeCursor, PageQuery } from '../../pagination/cursor.js';
import type { PlanDb } from './projection.js';

const Query = z.strictObject({
  releaseId: z.uuid().optional(),
  status: z
    .enum(['planned', 'running', 'paused', 'awaiting-runbook', 'completed', 'aborted', 'rolling-back', 'rolled-back'])
    .optional(),
  lead: z.string().min(1).max(200).optional(),
  ...PageQuery,
});
const Item = z.object({
  planId: z.uuid(),
  releaseId: z.uuid(),
  status: z.string(),
  lead: z.string(),
  environments: z.array(z.string()),
  waves: z.array(z.array(z.string())),
  wavesCompleted: z.number().int(),
  stages: z.number().int(),
  nextEscalationAt: z.string().nullable(),
  createdAt: z.string(),
});

/** GET /plans — rollout plans, newest first, from the plan-list projection. */
export const planListRoute: FastifyPluginAsyncZod<{ db: Kysely<PlanDb>; runner: ProjectionRunner }> = async (
  app,
  { db, runner },
) => {
  app.get(
    '/plans',
    {
      config: { roles: [] },
      schema: {
        summary: 'List rollout plans',
        tags: ['plans'],
        querystring: Query,
        response: { 200: pageOf('PlanSummary', Item) },
      },
    },
    async (request, reply) => {
      const { releaseId, status, lead, limit, cursor } = request.query;
      let query = db
        .selectFrom('orchestration.rollout_plans')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('plan_id', 'desc')
        .limit(limit + 1);
      if (cursor) {
        const [at, id] = decodeCursor(cursor, 2);
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', new Date(at!)),
            eb.and([eb('created_at', '=', new Date(at!)), eb('plan_id', '<', id!)]),
          ]),
        );
      }
      if (releaseId) query = query.where('release_id', '=', releaseId);
      if (status) query = query.where('status', '=', status);
      if (lead) query = query.where('lead', '=', lead);
      const [found, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      const rows = found.slice(0, limit);
      const last = rows.at(-1);
      return reply.headers({ ...lag }).send({
        nextCursor: found.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.plan_id]) : null,
        items: rows.map((r) => ({
          planId: r.plan_id,
          releaseId: r.release_id,
          status: r.status,
          lead: r.lead,
          environments: r.state.environments,
          waves: r.state.waves,
          wavesCompleted: r.state.completed,
          stages: r.state.environments.length * r.state.waves.length,
          nextEscalationAt: r.decision_due_at?.toISOString() ?? null,
          createdAt: r.created_at.toISOString(),
        })),
      });
    },
  );
};
