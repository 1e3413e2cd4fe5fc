import { deploymentCalendarStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { CalendarCommands } from '../calendar-store.js';
import { CalendarView, calendarView } from '../calendar-view.js';

const Params = z.strictObject({ id: z.uuid(), windowId: z.uuid() });

/** DELETE /calendars/:id/windows/:windowId — the window no longer applies. */
export const removeWindowRoute: FastifyPluginAsyncZod<{ commands: CalendarCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.delete(
    '/calendars/:id/windows/:windowId',
    {
      config: { roles: ['release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Remove a deployment window',
        tags: ['windows'],
        params: Params,
        response: { 200: CalendarView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        deploymentCalendarStream(request.params.id),
        { type: 'RemoveWindow', windowId: request.params.windowId, actor: ctx.actor.id },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a calendar exists');
      return reply.header('etag', etagOf(result.revision)).send(calendarView(result.state, result.revision));
    },
  );
};
