import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import type pg from 'pg';
import { getNoticeRoute } from './get-notice/route.js';
import { getTemplateRoute } from './get-template/route.js';
import type { NoticeCommands, NoticeFacts, TemplateCommands } from './notice-store.js';
import { saveTemplateRoute } from './save-template/route.js';
import { sendNoticeRoute } from './send-notice/route.js';

/** The communications capability (G7, R3): notice templates, notices sent by people, and every notice's record. */
export async function registerCommunicationRoutes(
  app: App,
  deps: {
    store: EventStore;
    pool: pg.Pool;
    notices: NoticeCommands;
    templates: TemplateCommands;
    incidentFacts: (incidentId: string) => Promise<Extract<NoticeFacts, { kind: 'incident' }> | undefined>;
    now: () => Date;
  },
) {
  const { store, pool, now } = deps;
  await app.register(saveTemplateRoute, { commands: deps.templates, now });
  await app.register(getTemplateRoute, { store });
  await app.register(sendNoticeRoute, { store, pool, commands: deps.notices, incidentFacts: deps.incidentFacts, now });
  await app.register(getNoticeRoute, { store });
}
