import { OrchestrationErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { loadDeployment } from '../deployment-store.js';
import { DeploymentView, deploymentView } from '../deployment-view.js';

const Params = z.strictObject({ id: z.uuid() });

/** GET /deployments/:id — one deployment folded from its stream (always current), with every step. */
export const getDeploymentRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/deployments/:id',
    {
      schema: {
        summary: 'A deployment with its steps',
        tags: ['deployments'],
        params: Params,
        response: { 200: DeploymentView },
      },
    },
    async (request, reply) => {
      const { state, revision } = await loadDeployment(store, request.params.id);
      if (!state.exists) throw notFound(Codes.DEPLOYMENT_NOT_FOUND, 'No such deployment.');
      return reply.header('etag', etagOf(revision)).send(deploymentView(state));
    },
  );
};
