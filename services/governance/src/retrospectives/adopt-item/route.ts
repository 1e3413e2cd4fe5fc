import { CheckSlug, EnvironmentTier, PolicyName, retrospectiveStream } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { RequireCheck } from '../../policies/policy-store.js';
import { adoptableItem } from '../domain/retrospective.decide.js';
import {
  loadRetrospective,
  type RetrospectiveCommands,
  RetrospectiveParams,
  RetrospectiveView,
  retrospectiveView,
} from '../retrospective-store.js';

const Body = z.strictObject({
  policyName: PolicyName.describe('The deployment policy that will require the check.'),
  tiers: z.array(EnvironmentTier).min(1).max(6).describe('The tiers whose deployments must pass it.'),
  check: CheckSlug,
});

export interface AdoptItemDeps {
  store: EventStore;
  commands: RetrospectiveCommands;
  requireCheck: RequireCheck;
  now: () => Date;
}

/**
 * POST /retrospectives/:id/items/:itemId/adopt — an action or a feedback item becomes a pre-deployment check: a new
 * version of the policy requires it on the tiers named, its reason `retrospective-action` `<retrospectiveId>/<itemId>`,
 * and the retrospective records the version. Each item is adopted once (409 after).
 */
export const adoptItemRoute: FastifyPluginAsyncZod<AdoptItemDeps> = async (app, deps) => {
  app.post(
    '/retrospectives/:id/items/:itemId/adopt',
    {
      config: { roles: ['release-manager', 'sre', 'deployment-lead'] },
      schema: {
        summary: 'Adopt an action or feedback item as a pre-deployment check',
        tags: ['retrospectives'],
        params: RetrospectiveParams.extend({ itemId: z.uuid() }),
        body: Body,
        response: { 200: RetrospectiveView.extend({ policyVersion: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { id, itemId } = request.params;
      // Refused before the policy changes: an unknown or already adopted item appends nothing anywhere.
      const found = adoptableItem((await loadRetrospective(deps.store, id)).state, itemId);
      // The policy's stream has its own revision: If-Match and the idempotency key speak of the retrospective. A retried
      // adoption is recognised on the policy by the reason's ref instead.
      const { expectedRevision: _r, idempotencyKey: _k, requestHash: _h, ...policyCtx } = ctx;
      const { policyVersion } = await deps.requireCheck(
        {
          policyName: request.body.policyName,
          tiers: request.body.tiers,
          check: request.body.check,
          reason: { kind: 'retrospective-action', ref: `${id}/${itemId}`, description: found.item.description },
        },
        policyCtx,
      );
      const result = await deps.commands.handle(
        retrospectiveStream(id),
        { type: 'RecordAdoption', itemId, ...request.body, policyVersion, actor: ctx.actor.id },
        ctx,
      );
      return reply
        .header('etag', etagOf(result.revision))
        .send({ ...retrospectiveView(result.state, result.revision, ctx.now), policyVersion });
    },
  );
};
