import { JourneyRunCompleted, JourneyStepChecked, MonitoringErrorCodes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { JourneyName } from '../define-journey/route.js';
import { loadJourney } from '../journey-commands.js';
import { runJourney } from '../journey-runner.js';

const Answer = JourneyRunCompleted.schema.extend({ steps: z.array(JourneyStepChecked.schema) });

/** POST /journeys/:name/runs — runs a journey now; every step's result is an event of `journeyRun-<runId>`. */
export const runJourneyRoute: FastifyPluginAsyncZod<{ store: EventStore; now: () => Date }> = async (
  app,
  { store, now },
) => {
  app.post(
    '/journeys/:name/runs',
    {
      config: { roles: ['sre', 'deployment-lead', 'deployer'] },
      schema: {
        summary: 'Run a synthetic journey',
        tags: ['journeys'],
        params: z.strictObject({ name: JourneyName }),
        body: z.strictObject({ deploymentId: z.uuid().optional() }).optional(),
        response: { 201: Answer },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { state } = await loadJourney(store, request.params.name);
      if (!state.exists) throw notFound(MonitoringErrorCodes.JOURNEY_NOT_FOUND, 'No journey with this name.');
      const deploymentId = request.body?.deploymentId ?? null;
      const result = await runJourney(store, state.name, state.definition, ctx, {
        kind: deploymentId ? 'deployment' : 'manual',
        deploymentId,
      });
      return reply.code(201).send(result);
    },
  );
};
