import { deploymentCalendarStream } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { CalendarCommands } from '../calendar-store.js';
import { CalendarParams, CalendarView, calendarView, SelectorsBody } from '../calendar-view.js';

const Body = z.strictObject({
  kind: z.enum(['allow', 'deny']),
  purpose: z
    .enum(['window', 'business-critical', 'peak-hours'])
    .default('window')
    .describe('business-critical periods and peak hours are deny windows; a business-critical one needs a reason.'),
  schedule: z.string().trim().min(1).max(200).describe('Cron expression of the starts, e.g. "0 22 * * 1-5".'),
  durationMinutes: z.number().int().min(1).max(525_600).describe('How long each occurrence lasts; above zero.'),
  timeZone: z.string().min(1).max(64).describe('IANA time zone the schedule is read in.'),
  selectors: SelectorsBody,
  reason: z.string().trim().min(1).max(1000).nullable().default(null),
});

/** POST /calendars/:id/windows — an allow or deny window, Argo CD sync-window style. */
export const addWindowRoute: FastifyPluginAsyncZod<{ commands: CalendarCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/calendars/:id/windows',
    {
      config: { roles: ['release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Add a deployment window',
        tags: ['windows'],
        params: CalendarParams,
        body: Body,
        response: { 201: CalendarView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        deploymentCalendarStream(request.params.id),
        {
          type: 'AddWindow',
          windowId: newAggregateId(ctx, `window:${request.params.id}`),
          ...request.body,
          actor: ctx.actor.id,
        },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a calendar with a window exists');
      return reply.code(201).header('etag', etagOf(result.revision)).send(calendarView(result.state, result.revision));
    },
  );
};
