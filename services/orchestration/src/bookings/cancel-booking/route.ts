import {
  bookingCalendarStream,
  notFound,
  OrchestrationEnvironmentName,
  OrchestrationErrorCodes,
} from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { BookingCommands } from '../booking-store.js';
import { BookingView, bookingView } from '../booking-view.js';

const Params = z.strictObject({ name: OrchestrationEnvironmentName, id: z.uuid() });
const Answer = z.object({
  cancelled: BookingView,
  allocated: z.array(z.uuid()).describe('Queued bookings that got the environment because this one left.'),
});

/** DELETE /environments/:name/bookings/:id — cancels a booking; the oldest waiting booking that fits takes its place. */
export const cancelBookingRoute: FastifyPluginAsyncZod<{ commands: BookingCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.delete(
    '/environments/:name/bookings/:id',
    {
      config: { roles: ['release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Cancel a booking',
        tags: ['bookings'],
        params: Params,
        response: { 200: Answer },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { name, id } = request.params;
      const result = await commands.handle(
        bookingCalendarStream(name),
        { type: 'CancelBooking', environment: name, bookingId: id, actor: ctx.actor.id, now: ctx.now },
        ctx,
      );
      const booking = result.state.bookings.find((b) => b.bookingId === id);
      if (!booking) throw notFound(OrchestrationErrorCodes.BOOKING_NOT_FOUND, 'No booking with this id here.');
      return reply.header('etag', etagOf(result.revision)).send({
        cancelled: bookingView(name, booking),
        allocated: result.events
          .filter((e) => e.type === 'BookingAllocatedFromQueue')
          .map((e) => (e.data as { bookingId: string }).bookingId),
      });
    },
  );
};
