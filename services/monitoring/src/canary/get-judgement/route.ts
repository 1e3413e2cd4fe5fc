import { MonitoringErrorCodes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { canonicalJson, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { JudgementView, loadJudgement } from '../canary-commands.js';
import { judge } from '../domain/judge.js';

const Params = z.strictObject({ id: z.uuid() });
const View = JudgementView.extend({
  rejudged: z
    .object({ score: z.number(), verdict: z.enum(['Pass', 'Marginal', 'Fail']), same: z.boolean() })
    .describe('The stored input judged again by the running code: `same` says whether it agrees.'),
});

/** GET /canary/judgements/:id — a stored judgement, re-judged from its own event to show it still holds. */
export const getJudgementRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/canary/judgements/:id',
    { schema: { summary: 'Get a canary judgement', tags: ['canary'], params: Params, response: { 200: View } } },
    async (request, reply) => {
      const { state, revision } = await loadJudgement(store, request.params.id);
      if (!state.exists) throw notFound(MonitoringErrorCodes.JUDGEMENT_NOT_FOUND, 'No canary judgement with this id.');
      const again = judge(state.input);
      // Canonical JSON: the stored result comes back from jsonb with its keys in another order.
      const same = canonicalJson(again) === canonicalJson(state.result);
      return reply.header('etag', etagOf(revision)).send({
        judgementId: state.judgementId,
        subject: state.subject,
        judgedBy: state.judgedBy,
        ...state.result,
        rejudged: { score: again.score, verdict: again.verdict, same },
      });
    },
  );
};
