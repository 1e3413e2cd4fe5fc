import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { DrillScheduleView } from '../drill-view.js';
import type { DrillListRow } from './projection.js';

const Query = z.strictObject({
  overdue: z.enum(['true', 'false']).optional().describe('true: only services whose drill is overdue.'),
});

export interface DrillListDeps {
  pool: pg.Pool;
  now: () => Date;
}

/** GET /drills — every service's drill schedule, flagged overdue on the service clock (G6). */
export const drillListRoute: FastifyPluginAsyncZod<DrillListDeps> = async (app, { pool, now }) => {
  app.get(
    '/drills',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'auditor', 'developer'] },
      schema: {
        summary: 'Rollback drill schedules, overdue flagged',
        tags: ['drills'],
        querystring: Query,
        response: { 200: z.object({ drills: z.array(DrillScheduleView) }) },
      },
    },
    async (request) => {
      const at = now();
      const { rows } = await pool.query<DrillListRow>(
        `SELECT * FROM governance.rollback_drills
          WHERE ($1::boolean IS NOT TRUE OR next_due_at <= $2) ORDER BY next_due_at NULLS LAST, service`,
        [request.query.overdue === 'true', at],
      );
      return {
        drills: rows.map((r) => ({
          service: r.service,
          intervalDays: r.interval_days,
          nextDueAt: r.next_due_at?.toISOString() ?? null,
          overdue: r.next_due_at !== null && r.next_due_at <= at,
          overdueDeclaredFor: r.overdue_due_at?.toISOString() ?? null,
          lastPerformedAt: r.last_performed_at?.toISOString() ?? null,
        })),
      };
    },
  );
};
