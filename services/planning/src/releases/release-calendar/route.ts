import { CalendarDate } from '@railyard/contracts';
import { projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ReleaseListDeps } from '../release-list/route.js';

const Query = z.strictObject({
  trainId: z.uuid().optional(),
  from: CalendarDate.optional().describe('First day shown (default: today, UTC).'),
  to: CalendarDate.optional().describe('Last day shown (default: 90 days after from).'),
});
const Entry = z.object({
  date: z.string().describe('The slot day when the release rides a train, else its target date.'),
  trainId: z.uuid().nullable(),
  releaseId: z.uuid(),
  name: z.string(),
  status: z.string(),
  freezeCutoff: z.string().nullable(),
  scopeCount: z.number().int(),
  riskLevel: z.string().nullable(),
});
const Calendar = z.object({
  days: z.array(z.object({ date: z.string(), releases: z.array(Entry) })),
});

/** GET /release-calendar — releases by day (and train), with their freeze cutoffs: what ships when. */
export const releaseCalendarRoute: FastifyPluginAsyncZod<ReleaseListDeps & { now: () => Date }> = async (
  app,
  { db, runner, now },
) => {
  app.get(
    '/release-calendar',
    {
      schema: {
        summary: 'Release calendar',
        description: 'Releases by day (and train), with their freeze cutoffs: what ships when.',
        tags: ['read-models'],
        querystring: Query,
        response: { 200: Calendar },
      },
    },
    async (request, reply) => {
      const from = request.query.from ?? now().toISOString().slice(0, 10);
      const to = request.query.to ?? new Date(Date.parse(from) + 90 * 86_400_000).toISOString().slice(0, 10);
      const day = sql<string>`coalesce(slot_date, target_date)::text`;
      let query = db
        .selectFrom('planning.release_list')
        .selectAll()
        .select(day.as('day'))
        .where(sql<boolean>`coalesce(slot_date, target_date) between ${from}::date and ${to}::date`)
        .where('status', '!=', 'cancelled')
        .orderBy(sql`coalesce(slot_date, target_date)`)
        .orderBy('train_id')
        .orderBy('release_id')
        .limit(1000);
      if (request.query.trainId) query = query.where('train_id', '=', request.query.trainId);
      const [rows, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      const days = new Map<string, z.infer<typeof Entry>[]>();
      for (const r of rows) {
        const entries = days.get(r.day) ?? [];
        entries.push({
          date: r.day,
          trainId: r.train_id,
          releaseId: r.release_id,
          name: r.name,
          status: r.status,
          freezeCutoff: r.freeze_cutoff ? new Date(r.freeze_cutoff).toISOString() : null,
          scopeCount: r.scope_count,
          riskLevel: r.risk_level,
        });
        days.set(r.day, entries);
      }
      return reply.headers({ ...lag }).send({ days: [...days].map(([date, releases]) => ({ date, releases })) });
    },
  );
};
