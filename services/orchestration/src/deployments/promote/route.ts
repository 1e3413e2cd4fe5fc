import { OrchestrationErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type GrantLedger, requireGrant } from '../../grants/grant-ledger.js';
import type { DeploymentControl } from '../../rollout-ports.js';
import { loadDeployment } from '../deployment-store.js';
import { DeploymentView, deploymentView } from '../deployment-view.js';

const Params = z.strictObject({ id: z.uuid() });
const Body = z.strictObject({
  reason: z.string().trim().min(1).max(2000).default('Promoted by a lead.').describe('Why, for the record.'),
});

/**
 * POST /deployments/:id/promote — a lead promotes a canary held at a pause until promoted (O6, Argo Rollouts'
 * `promote` of an indefinite `pause: {}`, as an idea): `DeploymentPromoted` is recorded with the pause step's
 * completion and the next step begins. 409 when the deployment is not held at such a pause.
 */
export const promoteDeploymentRoute: FastifyPluginAsyncZod<{
  store: EventStore;
  control: DeploymentControl;
  grants: GrantLedger;
  now: () => Date;
}> = async (app, { store, control, grants, now }) => {
  app.post(
    '/deployments/:id/promote',
    {
      config: { roles: ['deployment-lead'] },
      schema: {
        summary: 'Promote a canary held at a pause until promoted',
        description:
          'In a prod-tier environment the caller also needs a `deploy` or `lead` grant from governance on the ' +
          "deployment's environment, held now: a token role alone is not enough, admins included (403 " +
          '`ORCHESTRATION_GRANT_REQUIRED`).',
        tags: ['deployments'],
        params: Params,
        body: Body,
        response: { 200: DeploymentView },
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
        'promote a held canary',
      );
      // No step named: a deployment not held at a pause is refused by the decider (409).
      await control.promote(
        id,
        { ...ctx, correlationId: before.events[0]?.metadata.correlationId ?? ctx.correlationId },
        { reason: request.body.reason },
      );
      const { state } = await loadDeployment(store, id);
      return reply.send(deploymentView(state as Extract<typeof state, { exists: true }>));
    },
  );
};
