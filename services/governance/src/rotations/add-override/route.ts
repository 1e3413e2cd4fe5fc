import { randomUUID } from 'node:crypto';
import { GovernanceErrorCodes, notFound, rotationStream } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { eligibilityInstant } from '../domain/rotation-schedule.js';
import type { EligibleMembers } from '../rotation-eligibility.js';
import { loadRotation, type RotationHandler } from '../rotation-store.js';
import { RotationParams, RotationView, rotationView } from '../rotation-view.js';

const Body = z.strictObject({
  principal: z.string().min(1).max(200),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  reason: z.string().min(1).max(2000),
});

export interface AddOverrideDeps {
  store: EventStore;
  rotations: RotationHandler;
  eligibleMembers: EligibleMembers;
  now: () => Date;
}

/**
 * POST /rotations/:id/overrides — someone else leads from `from` to `to` (within the rotation's span). When the
 * override covers now, its turn is announced at once.
 */
export const addOverrideRoute: FastifyPluginAsyncZod<AddOverrideDeps> = async (app, deps) => {
  app.post(
    '/rotations/:id/overrides',
    {
      config: { roles: ['release-manager', 'deployment-lead', 'admin'] },
      schema: {
        summary: 'Override a rotation for a while',
        tags: ['rotations'],
        params: RotationParams,
        body: Body,
        response: { 201: RotationView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { id } = request.params;
      const rotation = (await loadRotation(deps.store, id)).state.rotation;
      if (!rotation) throw notFound(GovernanceErrorCodes.ROTATION_NOT_FOUND, 'No rotation with this id.');
      const at = eligibilityInstant(rotation, ctx.now);
      const eligible = at ? await deps.eligibleMembers(rotation.environment, rotation.members, at) : [];
      const result = await deps.rotations.handle(
        rotationStream(id),
        {
          type: 'AddOverride',
          overrideId: randomUUID(),
          ...request.body,
          eligible,
          actor: ctx.actor.id,
          at: ctx.now,
        },
        ctx,
      );
      return reply.code(201).header('etag', etagOf(result.revision)).send(rotationView(result.state));
    },
  );
};
