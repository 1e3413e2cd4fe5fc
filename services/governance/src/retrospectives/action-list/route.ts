import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { utcDate } from '../domain/retrospective.decide.js';

const Query = z.strictObject({
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only open actions past their due date (by the service clock); false: only the others.'),
  owner: z.string().min(1).max(200).optional(),
  status: z.enum(['open', 'done']).optional(),
});

const ActionRow = z.object({
  actionId: z.string(),
  retrospectiveId: z.string(),
  description: z.string(),
  owner: z.string(),
  dueDate: z.string(),
  status: z.enum(['open', 'done']),
  overdue: z.boolean(),
  completedAt: z.string().nullable(),
  adopted: z.object({ policyName: z.string(), policyVersion: z.number().int() }).nullable(),
});

/** GET /retrospectives/actions — action items across retrospectives, overdue ones flagged (G5). */
export const actionListRoute: FastifyPluginAsyncZod<{ pool: pg.Pool; now: () => Date }> = async (
  app,
  { pool, now },
) => {
  app.get(
    '/retrospectives/actions',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'auditor', 'analyst', 'developer'] },
      schema: {
        summary: 'Action items of every retrospective, overdue ones flagged',
        description:
          'An action is overdue when it is open and its due date (UTC) is before today by the service clock.',
        tags: ['retrospectives'],
        querystring: Query,
        response: { 200: z.object({ today: z.string(), actions: z.array(ActionRow) }) },
      },
    },
    async (request) => {
      const today = utcDate(now());
      const { overdue, owner, status } = request.query;
      const { rows } = await pool.query(
        `SELECT action_id, retrospective_id, description, owner, to_char(due_date, 'YYYY-MM-DD') AS due_date, status,
                completed_at, adopted_policy, adopted_version,
                (status = 'open' AND due_date < $1::date) AS overdue
         FROM governance.retrospective_actions
         WHERE ($2::boolean IS NULL OR (status = 'open' AND due_date < $1::date) = $2)
           AND ($3::text IS NULL OR owner = $3) AND ($4::text IS NULL OR status = $4)
         ORDER BY due_date, action_id`,
        [today, overdue ?? null, owner ?? null, status ?? null],
      );
      return {
        today,
        actions: rows.map((r) => ({
          actionId: r.action_id,
          retrospectiveId: r.retrospective_id,
          description: r.description,
          owner: r.owner,
          dueDate: r.due_date,
          status: r.status,
          overdue: r.overdue,
          completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
          adopted: r.adopted_policy ? { policyName: r.adopted_policy, policyVersion: r.adopted_version } : null,
        })),
      };
    },
  );
};
