import { GovernanceErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { loadNotice, NoticeView, noticeView } from '../notice-store.js';

/** GET /notices/:id — a notice: exactly what was sent, and every delivery attempt with its HTTP outcome. */
export const getNoticeRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/notices/:id',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'auditor'] },
      schema: {
        summary: 'A notice and its delivery attempts',
        tags: ['communications'],
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: NoticeView },
      },
    },
    async (request, reply) => {
      const loaded = await loadNotice(store, request.params.id);
      if (!loaded.state.exists) throw notFound(Codes.NOTICE_NOT_FOUND, 'No notice with this id.');
      return reply.header('etag', etagOf(loaded.revision)).send(noticeView(loaded.state, loaded.revision));
    },
  );
};
