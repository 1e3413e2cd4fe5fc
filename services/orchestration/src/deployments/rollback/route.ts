import { OrchestrationErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type GrantLedger, requireGrant } from '../../grants/grant-ledger.js';
import { loadDeployment } from '../deployment-store.js';
import { DeploymentView, deploymentView } from '../deployment-view.js';
import type { DeploymentControlWithMetrics } from './deployment-control.js';

const Params = z.strictObject({ id: z.uuid() });
const Body = z.strictObject({ reason: z.string().trim().min(1).max(2000).describe('Why, for the record.') });

/**
 * POST /deployments/:id/rollback — a person rolls a deployment back (R1): the same path as monitoring's trigger,
 * without metrics. 202 with the deployment (rolling back, or rollback-failed when a migration refuses); asking
 * again while it rolls back, or after, changes nothing.
 */
export const rollbackDeploymentRoute: FastifyPluginAsyncZod<{
  store: EventStore;
  control: DeploymentControlWithMetrics;
  grants: GrantLedger;
  now: () => Date;
}> = async (app, { store, control, grants, now }) => {
  app.post(
    '/deployments/:id/rollback',
    {
      config: { roles: ['deployment-lead'] },
      schema: {
        summary: 'Roll a deployment back to its rollback target',
        description:
          'In a prod-tier environment the caller also needs a `deploy` or `lead` grant from governance on the ' +
          "deployment's environment, held now: a token role alone is not enough, admins included (403 " +
          '`ORCHESTRATION_GRANT_REQUIRED`).',
        tags: ['deployments'],
        params: Params,
        body: Body,
        response: { 202: DeploymentView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { id } = request.params;
      const before = await loadDeployment(store, id);
      if (!before.state.exists) throw notFound(Codes.DEPLOYMENT_NOT_FOUND, 'No such deployment.');
      // G2: in a prod-tier environment the role is not enough, admins included: a deploy or lead grant, held now.
      const { environment, environmentTier } = before.state.subject;
      await requireGrant(
        grants,
        {
          principal: ctx.actor.id,
          privileges: ['deploy', 'lead'],
          environment,
          ...(environmentTier ? { tier: environmentTier } : {}),
          at: ctx.now,
        },
        'roll a deployment back',
      );
      await control.rollbackWithMetrics(
        id,
        { kind: 'manual', triggerId: null, by: ctx.actor.id },
        { ...ctx, correlationId: before.events[0]?.metadata.correlationId ?? ctx.correlationId },
        null,
        request.body.reason,
      );
      const { state } = await loadDeployment(store, id);
      return reply.code(202).send(deploymentView(state as Extract<typeof state, { exists: true }>));
    },
  );
};
