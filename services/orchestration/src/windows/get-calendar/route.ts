import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { loadCalendar } from '../calendar-store.js';
import { CalendarParams, CalendarView, calendarView } from '../calendar-view.js';

/** GET /calendars/:id — the calendar's windows and holiday rules, folded from its stream. */
export const getCalendarRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/calendars/:id',
    {
      schema: {
        summary: 'Get a deployment calendar',
        tags: ['windows'],
        params: CalendarParams,
        response: { 200: CalendarView },
      },
    },
    async (request, reply) => {
      const { calendar, revision } = await loadCalendar(store, request.params.id);
      return reply.header('etag', etagOf(revision)).send(calendarView(calendar, revision));
    },
  );
};
