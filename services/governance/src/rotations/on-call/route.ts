import { GovernanceErrorCodes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { leadOf, overrideAt, turnAt } from '../domain/rotation-schedule.js';
import type { EligibleMembers } from '../rotation-eligibility.js';
import { loadRotation } from '../rotation-store.js';
import { RotationParams } from '../rotation-view.js';

const OnCall = z.object({
  rotationId: z.uuid(),
  environment: z.string(),
  at: z.string(),
  principal: z.string().nullable().describe('Null outside the rotation or when no member is eligible.'),
  override: z.boolean(),
  turn: z.object({ index: z.number().int(), startsAt: z.string(), endsAt: z.string(), nominal: z.string() }).nullable(),
  skipped: z.array(z.object({ principal: z.string(), reason: z.string() })),
});

export interface OnCallDeps {
  store: EventStore;
  eligibleMembers: EligibleMembers;
  now: () => Date;
}

/**
 * GET /rotations/:id/on-call?at=T — who leads at T, past or future: an override covering T, else the turn's member
 * (the next eligible one when the turn's own has no lead grant at the turn's start). The future is answered from the
 * grants as known now (expiries included).
 */
export const onCallRoute: FastifyPluginAsyncZod<OnCallDeps> = async (app, deps) => {
  app.get(
    '/rotations/:id/on-call',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'auditor', 'developer'] },
      schema: {
        summary: 'Who is on call in a rotation at an instant',
        tags: ['rotations'],
        params: RotationParams,
        querystring: z.strictObject({ at: z.iso.datetime({ offset: true }).optional().describe('Default: now.') }),
        response: { 200: OnCall },
      },
    },
    async (request) => {
      const rotation = (await loadRotation(deps.store, request.params.id)).state;
      const r = rotation.rotation;
      if (!r) throw notFound(GovernanceErrorCodes.ROTATION_NOT_FOUND, 'No rotation with this id.');
      const at = request.query.at ? new Date(request.query.at) : deps.now();
      const base = { rotationId: r.rotationId, environment: r.environment, at: at.toISOString() };
      const turn = turnAt(r, at);
      if (!turn) return { ...base, principal: null, override: false, turn: null, skipped: [] };
      const view = {
        index: turn.index,
        startsAt: turn.startsAt.toISOString(),
        endsAt: turn.endsAt.toISOString(),
        nominal: turn.nominal,
      };
      const override = overrideAt(rotation.overrides, at);
      if (override) return { ...base, principal: override.principal, override: true, turn: view, skipped: [] };
      const eligible = new Set(await deps.eligibleMembers(r.environment, r.members, turn.startsAt));
      const lead = leadOf(r, turn, eligible);
      const skipped = (lead?.skipped ?? [...r.members]).map((principal) => ({
        principal,
        reason: `no lead grant on ${r.environment} at ${view.startsAt}`,
      }));
      return { ...base, principal: lead?.principal ?? null, override: false, turn: view, skipped };
    },
  );
};
