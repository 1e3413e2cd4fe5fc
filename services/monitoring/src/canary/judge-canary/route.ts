import { CanaryJudgeInput, CanarySubject } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { type JudgementCommands, JudgementView, judgementStream } from '../canary-commands.js';

const Body = CanaryJudgeInput.extend({ subject: CanarySubject.optional() });

/**
 * POST /canary/judge — judges given samples directly (tooling, what-if runs), through the same code analysis runs
 * use, and records the judgement. Kayenta's NetflixACAJudge: per-metric rank-sum test with the Hodges–Lehmann
 * interval at 98% and tolerance 0.25, effect size as the ratio of means, weighted groups, Pass/Marginal/Fail.
 */
export const judgeCanaryRoute: FastifyPluginAsyncZod<{ commands: JudgementCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/canary/judge',
    {
      config: { roles: ['sre', 'deployment-lead', 'deployer', 'release-manager'] },
      schema: {
        summary: 'Judge a canary against its baseline',
        description:
          'Per metric: missing samples removed or replaced, optional IQR outlier removal, Mann–Whitney with the ' +
          'asymptotic Hodges–Lehmann interval (R wilcox.test, exact=FALSE, correct=TRUE), direction and effect size → ' +
          'Pass/High/Low/Nodata/NodataFailMetric/Error. Groups score the share of counted metrics that passed; a ' +
          'failed critical metric or half the metrics without data zero the score. score ≥ pass → Pass, ≥ marginal → ' +
          'Marginal, else Fail (a score on a threshold takes the better verdict).',
        tags: ['canary'],
        body: Body,
        response: { 201: JudgementView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { subject = {}, ...input } = request.body;
      const judgementId = newAggregateId(ctx, 'canary-judgement');
      const result = await commands.handle(
        judgementStream(judgementId),
        { type: 'JudgeCanary', actor: ctx.actor, at: ctx.now, judgementId, subject, input },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a judgement leaves a judgement');
      const { result: judgement, judgedBy } = result.state;
      return reply
        .code(201)
        .header('location', `/canary/judgements/${judgementId}`)
        .header('etag', etagOf(result.revision))
        .send({ judgementId, subject: result.state.subject, judgedBy, ...judgement });
    },
  );
};
