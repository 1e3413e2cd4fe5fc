import { randomUUID } from 'node:crypto';
import { AnalysisTemplate, MonitoringErrorCodes, notFound, ruleViolated } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { WatchedDeployment } from '../analysis-watcher.js';
import { metricsFromCriteria } from '../domain/analysis.js';
import type { WatchCommands } from '../watch-commands.js';
import { watchStream } from '../watch-commands.js';

const Params = z.strictObject({ deploymentId: z.uuid() });
const Body = AnalysisTemplate.partial().strict();
const Started = z.object({ deploymentId: z.uuid(), runId: z.uuid(), template: AnalysisTemplate });

/**
 * POST /deployments/:deploymentId/analysis — starts another analysis run of a known deployment against its release's
 * criteria, with the configured template overridden by the body (a shadow run records what it would trigger).
 */
export const startAnalysisRoute: FastifyPluginAsyncZod<{
  commands: WatchCommands;
  watched: (deploymentId: string) => Promise<WatchedDeployment | 'unknown' | 'no-criteria'>;
  template: AnalysisTemplate;
  now: () => Date;
}> = async (app, { commands, watched, template, now }) => {
  app.post(
    '/deployments/:deploymentId/analysis',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Start an analysis run of a deployment',
        description:
          'Argo Rollouts-style run: `count` measurements `intervalSeconds` apart; failureLimit, inconclusiveLimit and ' +
          'consecutiveErrorLimit decide each metric; the worst metric decides the run. `shadow: true` records the ' +
          'RollbackShadowed it would raise instead of a RollbackTriggered.',
        tags: ['rollback'],
        params: Params,
        body: Body,
        response: { 201: Started },
      },
    },
    async (request, reply) => {
      const { deploymentId } = request.params;
      const w = await watched(deploymentId);
      if (w === 'unknown') throw notFound(MonitoringErrorCodes.DEPLOYMENT_UNKNOWN, 'No such deployment is known.');
      if (w === 'no-criteria') {
        throw ruleViolated(
          MonitoringErrorCodes.CRITERIA_UNKNOWN,
          "The deployment's release published no rollback criteria for its service.",
        );
      }
      const ctx = commandContext(request, { now: now() });
      const runTemplate = { ...template, ...request.body };
      const runId = randomUUID();
      const result = await commands.handle(
        watchStream(deploymentId),
        {
          type: 'StartAnalysis',
          actor: ctx.actor,
          at: ctx.now,
          runId,
          subject: w.subject,
          template: runTemplate,
          metrics: metricsFromCriteria(w.criteria, w.subject.baselineVersion !== null),
          onlyFirst: false,
        },
        ctx,
      );
      return reply
        .code(201)
        .header('etag', etagOf(result.revision))
        .send({ deploymentId, runId, template: runTemplate });
    },
  );
};
