import { deploymentCalendarStream } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { CalendarCommands } from '../calendar-store.js';
import { CalendarView, calendarView, SelectorsBody } from '../calendar-view.js';

const Body = z.strictObject({
  name: z.string().trim().min(1).max(200),
  holidays: z
    .array(
      z.strictObject({
        country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code'),
        state: z
          .string()
          .regex(/^[A-Z0-9]{1,3}$/)
          .nullable()
          .default(null),
        types: z
          .array(z.enum(['public', 'bank', 'school', 'optional', 'observance']))
          .min(1)
          .default(['public', 'bank']),
      }),
    )
    .max(50)
    .default([])
    .describe('Regional holidays (date-holidays data) that deny deployments for the day.'),
  holidaySelectors: SelectorsBody.describe('Which deployments the holidays block (default: all).'),
});

/** POST /calendars — a calendar of deployment windows with its regional holidays (O3). */
export const createCalendarRoute: FastifyPluginAsyncZod<{ commands: CalendarCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/calendars',
    {
      config: { roles: ['release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Create a deployment calendar',
        tags: ['windows'],
        body: Body,
        response: { 201: CalendarView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const calendarId = newAggregateId(ctx, 'deployment-calendar');
      const result = await commands.handle(
        deploymentCalendarStream(calendarId),
        { type: 'CreateCalendar', calendarId, ...request.body, actor: ctx.actor.id },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a created calendar exists');
      return reply
        .code(201)
        .header('location', `/calendars/${calendarId}`)
        .header('etag', etagOf(result.revision))
        .send(calendarView(result.state, result.revision));
    },
  );
};
