import {
  AnalysisMeasured,
  AnalysisRunCompleted,
  AnalysisRunStarted,
  DependentHealthChecked,
  MonitoringErrorCodes,
  notFound,
  RollbackTriggered,
} from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { loadWatch } from '../watch-commands.js';

const Params = z.strictObject({ deploymentId: z.uuid() });
const View = z.object({
  deploymentId: z.uuid(),
  runs: z.array(
    z.object({
      started: AnalysisRunStarted.schema,
      measurements: z.array(AnalysisMeasured.schema),
      completed: AnalysisRunCompleted.schema.nullable(),
    }),
  ),
  rollback: RollbackTriggered.schema.nullable(),
  shadowed: RollbackTriggered.schema.nullable().describe('What shadow mode would have triggered.'),
  healthChecks: z.array(DependentHealthChecked.schema).describe('Health of dependent services after deploys (M3).'),
});

/** GET /deployments/:deploymentId/watch — the analysis runs of a deployment, and its rollback if one was raised. */
export const getWatchRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/deployments/:deploymentId/watch',
    {
      schema: {
        summary: "Get a deployment's analysis runs and rollback",
        tags: ['rollback'],
        params: Params,
        response: { 200: View },
      },
    },
    async (request, reply) => {
      const { deploymentId } = request.params;
      const { state, revision } = await loadWatch(store, deploymentId);
      if (revision < 0n)
        throw notFound(MonitoringErrorCodes.WATCH_NOT_FOUND, 'Monitoring has not watched this deployment.');
      return reply.header('etag', etagOf(revision)).send({ deploymentId, ...state });
    },
  );
};
