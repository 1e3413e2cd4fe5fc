import type { EnvironmentTier } from '@railyard/contracts';
import { OrchestrationEnvironmentName, ServiceNameSchema } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { type ProjectionRunner, projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { WindowInputsReader } from '../domain/window-check.js';
import { checkWindows } from '../domain/window-check.js';
import { WindowVerdictView } from '../window-verdict-view.js';

const Query = z.strictObject({
  service: ServiceNameSchema,
  environment: OrchestrationEnvironmentName,
  at: z.iso.datetime({ offset: true }).optional().describe('Default: now.'),
});

export interface CheckWindowDeps {
  store: EventStore;
  runner: ProjectionRunner;
  now: () => Date;
  readWindows: WindowInputsReader;
  /** The environment's tier and region (404 for an unknown one), from the environments capability. */
  environmentFacts(store: EventStore, name: string): Promise<{ tier: EnvironmentTier; region: string }>;
}

/** GET /windows/check?service=&environment=&at= — allowed or blocked, with every window that decided it (O3). */
export const checkWindowRoute: FastifyPluginAsyncZod<CheckWindowDeps> = async (app, deps) => {
  app.get(
    '/windows/check',
    {
      schema: {
        summary: 'May this service deploy to this environment at this time?',
        tags: ['windows'],
        querystring: Query,
        response: { 200: WindowVerdictView.extend({ at: z.string() }) },
      },
    },
    async (request, reply) => {
      const { service, environment } = request.query;
      const at = request.query.at ? new Date(request.query.at) : deps.now();
      const facts = await deps.environmentFacts(deps.store, environment);
      const [inputs, lag] = await Promise.all([
        deps.readWindows(at, service, environment),
        projectionLagHeaders(deps.runner),
      ]);
      const verdict = checkWindows({ at, target: { service, environment, ...facts }, ...inputs });
      return reply.headers({ ...lag }).send({ at: at.toISOString(), ...verdict });
    },
  );
};
