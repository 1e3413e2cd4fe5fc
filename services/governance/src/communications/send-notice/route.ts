import { GovernanceErrorCodes as Codes, NoticeFields, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import {
  type NoticeCommands,
  type NoticeFacts,
  NoticeView,
  noticeView,
  queueNotice,
  rollbackFacts,
} from '../notice-store.js';

const Body = z.discriminatedUnion('kind', [
  NoticeFields.extend({ kind: z.literal('rollback'), deploymentId: z.uuid() }).strict(),
  NoticeFields.extend({ kind: z.literal('incident'), incidentId: z.uuid() }).strict(),
]);

export interface SendNoticeDeps {
  store: EventStore;
  pool: pg.Pool;
  commands: NoticeCommands;
  /** The incident's facts, from governance's own incident stream; undefined when there is none. */
  incidentFacts: (incidentId: string) => Promise<Extract<NoticeFacts, { kind: 'incident' }> | undefined>;
  now: () => Date;
}

/**
 * POST /notices — a person sends a rollback or incident notice (an update) with the root-cause hypothesis, the impact
 * scope, the next steps and the time of the next update. It is rendered and queued; delivery to the notification
 * webhook follows (202), and every attempt is recorded on the notice.
 */
export const sendNoticeRoute: FastifyPluginAsyncZod<SendNoticeDeps> = async (app, deps) => {
  app.post(
    '/notices',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Send a rollback or incident notice',
        tags: ['communications'],
        body: Body,
        response: { 202: NoticeView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { hypothesis, impact, nextSteps, nextUpdateAt } = request.body;
      const facts =
        request.body.kind === 'rollback'
          ? await rollbackFacts(deps.pool, request.body.deploymentId)
          : await deps.incidentFacts(request.body.incidentId);
      if (!facts) {
        throw request.body.kind === 'rollback'
          ? notFound(Codes.DEPLOYMENT_UNKNOWN, 'No deployment with this id is known.')
          : notFound(Codes.INCIDENT_NOT_FOUND, 'No incident with this id.');
      }
      const noticeId = newAggregateId(ctx, 'notice');
      const result = await queueNotice(
        deps,
        { noticeId, facts, fields: { hypothesis, impact, nextSteps, nextUpdateAt }, source: 'manual' },
        ctx,
      );
      return reply
        .code(202)
        .header('location', `/notices/${noticeId}`)
        .header('etag', etagOf(result.revision))
        .send(noticeView(result.state, result.revision));
    },
  );
};
