import { OrchestrationEnvironmentName } from '@railyard/contracts';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { pageOf } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { decodeCursor, encodeCursor, PageQuery } from '../../pagination/cursor.js';
import { BookingView } from '../booking-view.js';
import type { BookingListDb } from './projection.js';

const Query = z.strictObject({
  release: z.string().min(1).max(200).optional(),
  environment: OrchestrationEnvironmentName.optional(),
  status: z.enum(['confirmed', 'queued', 'cancelled', 'expired']).optional(),
  ...PageQuery,
});

/** GET /bookings?release=&environment= — the booking calendar by start time, paginated, from the booking-list projection. */
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
        response: { 200: pageOf('Booking', BookingView) },
      },
    },
    async (request, reply) => {
      const { release, environment, status, limit, cursor } = request.query;
      let query = db
        .selectFrom('orchestration.bookings')
        .selectAll()
        .orderBy('from_at')
        .orderBy('booking_id')
        .limit(limit + 1);
      if (cursor) {
        const [fromAt, id] = decodeCursor(cursor, 2) as [string, string];
        const after = new Date(fromAt);
        query = query.where((eb) =>
          eb.or([eb('from_at', '>', after), eb.and([eb('from_at', '=', after), eb('booking_id', '>', id)])]),
        );
      }
      if (release) query = query.where('release_id', '=', release);
      if (environment) query = query.where('environment', '=', environment);
      if (status) query = query.where('status', '=', status);
      const [found, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      const rows = found.slice(0, limit);
      const last = rows.at(-1);
      return reply.headers({ ...lag }).send({
        nextCursor: found.length > limit && last ? encodeCursor([last.from_at.toISOString(), last.booking_id]) : null,
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
