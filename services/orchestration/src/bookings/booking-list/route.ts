import { OrchestrationEnvironmentName } from '@railyard/contracts';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { BookingView } from '../booking-view.js';
import type { BookingListDb } from './projection.js';

const Query = z.strictObject({
  release: z.string().min(1).max(200).optional(),
  environment: OrchestrationEnvironmentName.optional(),
  status: z.enum(['confirmed', 'queued', 'cancelled', 'expired']).optional(),
});

/** GET /bookings?release=&environment= — the booking calendar, by start time, from the booking-list projection. */
export const bookingListRoute: FastifyPluginAsyncZod<{ db: Kysely<BookingListDb>; runner: ProjectionRunner }> = async (
  app,
  { db, runner },
) => {
  app.get(
    '/bookings',
    {
      schema: {
        summary: 'The booking calendar',
        tags: ['bookings'],
        querystring: Query,
        response: { 200: z.object({ items: z.array(BookingView) }) },
      },
    },
    async (request, reply) => {
      const { release, environment, status } = request.query;
      let query = db
        .selectFrom('orchestration.bookings')
        .selectAll()
        .orderBy('from_at')
        .orderBy('requested_at')
        .limit(500);
      if (release) query = query.where('release_id', '=', release);
      if (environment) query = query.where('environment', '=', environment);
      if (status) query = query.where('status', '=', status);
      const [rows, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      return reply.headers({ ...lag }).send({
        items: rows.map((r) => ({
          id: r.booking_id,
          environment: r.environment,
          releaseId: r.release_id,
          phase: r.phase as BookingView['phase'],
          from: r.from_at.toISOString(),
          until: r.until_at.toISOString(),
          datasets: r.datasets,
          status: r.status as BookingView['status'],
          bookedBy: r.booked_by,
          requestedAt: r.requested_at.toISOString(),
        })),
      });
    },
  );
};
